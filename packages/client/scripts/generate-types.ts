// npm run generate -w packages/client: regenerates src/generated/gateway-api.ts from the built
// gateway's /openapi.json (the npm script builds the gateway first).
import { writeFile } from 'node:fs/promises';
import { renderGatewayTypes, TYPES_FILE } from './gateway-document.ts';

await writeFile(TYPES_FILE, await renderGatewayTypes());
process.stdout.write(`wrote ${TYPES_FILE}\n`);
