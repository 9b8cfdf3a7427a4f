// Loaded by mocha before every test file (.mocharc.json "require"): in-process
// husk code logs nothing unless HUSK_TEST_LOGS=1 (daemons spawned by tests keep their own logs).
import { setLogLevel } from '../../src/log/logger.js';

if (!process.env.HUSK_TEST_LOGS) setLogLevel('silent');
