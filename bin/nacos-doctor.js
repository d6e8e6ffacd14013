#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

await main('nacos-doctor', process.argv.slice(2));
