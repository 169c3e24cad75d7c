import { describeArtifactCache } from './testing/artifact-cache-suite';

// The embedded metadata store (files only): a unit test. The same suite against PostgreSQL is
// artifact-cache.postgres.int.spec.ts (integration tier).
describeArtifactCache('embedded');
