// Starts the service: the configuration from the environment, then src/run.ts.
import { ConfigError, loadConfig, type Config } from './config.js'
import { runService } from './run.js'

let config: Config
try {
  config = loadConfig(process.env)
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  console.error(err.message)
  process.exit(2)
}

runService(config).catch((err: unknown) => {
  console.error('the service failed to start:', err)
  process.exit(1)
})
