import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderGatewayTypes, TYPES_FILE } from '../scripts/gateway-document.ts';

// The client's request and response types are generated from the gateway's /openapi.json; when
// the gateway's API changes, this fails until `npm run generate -w packages/client` is run and
// the result committed (the client then fails to typecheck where it no longer fits).
describe('generated gateway types', () => {
  it('match what the gateway serves at /openapi.json', async () => {
    const committed = await readFile(TYPES_FILE, 'utf8');
    const served = await renderGatewayTypes();
    expect(committed, 'src/generated/gateway-api.ts is stale: run `npm run generate -w packages/client`').toBe(served);
  });
});
