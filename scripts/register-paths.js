'use strict';
// Resolves @selfeval/* to the compiled libs in dist/ (used by bin/selfeval.js and the production apps).
const path = require('node:path');
require('tsconfig-paths').register({
  baseUrl: path.join(__dirname, '..', 'dist'),
  paths: { '@selfeval/*': ['libs/*/src'] },
});
