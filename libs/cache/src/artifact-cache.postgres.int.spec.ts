import { describeArtifactCache } from './testing/artifact-cache-suite';

// The ArtifactCache suite against the local PostgreSQL (integration tier: needs the database).
describeArtifactCache('postgres');
