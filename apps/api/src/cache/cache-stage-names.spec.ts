import { CACHE_STAGES } from '@vidflow/cache';
import { CACHE_STAGE_NAMES } from '@vidflow/contracts';

// libs/contracts (no runtime dependencies) names the cache's stages for the response schema of GET /api/cache;
// a stage added to the cache without it would make every stats answer fail its own schema.
it('the cache stats schema names exactly the cache stages', () => {
  expect([...CACHE_STAGE_NAMES].sort()).toEqual([...CACHE_STAGES].sort());
});
