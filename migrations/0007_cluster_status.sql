-- What the elected instance knows and the others report: the AMI link's state for /health.
create table cluster_status (
  key text primary key,
  value text not null,
  updated_at timestamptz not null
);
