// The PostgreSQL NOTIFY channels writers signal on and the change feed (change-feed.ts) listens to; apart
// from the feed so that a writer (and every CLI command) does not load the pg client for two names.

export const MAILBOX_CHANNEL = 'docgate_mailbox';
export const JOBS_CHANNEL = 'docgate_jobs';
