#!/usr/bin/env node
// streamctl entry point: runs the compiled oclif commands from dist/.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
