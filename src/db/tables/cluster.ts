export interface ClusterStatusTable {
  key: string
  value: string
  updated_at: Date
}

export interface ClusterTables {
  cluster_status: ClusterStatusTable
}
