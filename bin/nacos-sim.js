#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

await main('nacos-sim', process.argv.slice(2));
