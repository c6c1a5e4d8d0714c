#!/usr/bin/env node
'use strict';
// Runs the compiled CLI from dist/.
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist/apps/cli/src/main.js');
if (!fs.existsSync(entry)) {
  console.error('selfeval 尚未编译：请运行 npm run build（npm start 会自动完成）。');
  process.exit(1);
}
require('../scripts/register-paths');
require(entry)
  .buildProgram()
  .parseAsync(process.argv)
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
