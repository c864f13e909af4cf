#!/usr/bin/env -S node --import tsx
// Development entry point: runs commands straight from src/ through tsx.
import { execute } from '@oclif/core';

await execute({ development: true, dir: import.meta.url });
