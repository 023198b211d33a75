// The first user: with BOOTSTRAP_ADMIN_PASSWORD set and no user yet, `admin` (role head) is created.
import type { Database } from '../db/database.js'
import { usersRepository } from '../db/users.repository.js'
import { hashPassword } from './passwords.js'

export async function bootstrapAdmin (database: Database, password: string | undefined): Promise<boolean> {
  if (password === undefined) return false
  const users = usersRepository(database.db)
  if ((await users.count()) > 0) return false
  const created = await users.createIfNoUsers({
    username: 'admin', fullName: 'Администратор', passwordHash: await hashPassword(password), role: 'head'
  })
  return created !== undefined
}
