// Never download a browser: Debian's chromium is used (see README).
module.exports = { skipDownload: true };
