import { Migration20261122000000_foundation } from './Migration20261122000000_foundation.js';
import { Migration20261122010000_operations } from './Migration20261122010000_operations.js';

/** Every migration, in order. Listed explicitly so the app, the CLI and jest load the same set. */
export const migrationsList = [
  { name: 'Migration20261122000000_foundation', class: Migration20261122000000_foundation },
  { name: 'Migration20261122010000_operations', class: Migration20261122010000_operations },
];
