// The policy pipeline as the issue names it: one engine (engine.ts) running the checks policy.yaml
// lists (registry.ts), plus the services docgate's own checks need (services.ts). Kept as a thin
// entry point so callers need not know how the pieces are split.

export { PolicyEngine, actionFor, type PolicyEngineDeps } from './engine.js';
export { CHECK_DEFINITIONS } from './registry.js';
export { ByteBudget } from './files/budget.js';
export { SERVICE_NAMES, type DuplicateMatch, type DuplicateQuery, type RegisterLookup } from './services.js';
