// `streamctl/testing/global-setup`: vitest's and jest's globalSetup module (see ./index.ts).
import { createGlobalSetup } from './index.js';

export default createGlobalSetup();
