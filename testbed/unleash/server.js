// Starts unleash-server for rollgate-connect's kill-switch test. Everything
// comes from the environment the test sets: DATABASE_URL (a throwaway
// PostgreSQL database), HTTP_PORT, HTTP_HOST, INIT_ADMIN_API_TOKENS.
// It prints "unleash ready" once it answers, and stops on SIGTERM.
const unleash = require('unleash-server');

unleash
  .start({
    db: { ssl: false },
    server: { enableRequestLogger: false },
    logLevel: 'error',
  })
  .then((instance) => {
    console.log('unleash ready');
    process.on('SIGTERM', () => instance.stop().then(() => process.exit(0)));
  })
  .catch((err) => {
    console.error('unleash failed to start:', err.message);
    process.exit(1);
  });
