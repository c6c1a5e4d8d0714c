#!/usr/bin/env bash
# Installs what a fresh clone lacks, then builds. Used by `npm start` and `npm test`.
#   scripts/ensure-deps.sh start   system packages needed to run (redis-server; chromium + CJK fonts for PDFs)
#   scripts/ensure-deps.sh test    the same plus poppler-utils (tests read PDFs back)
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-start}"

# 1. npm packages: install when missing or when the lock file changed since the last install.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[selfeval] 安装 npm 依赖 (npm ci)…"
  npm ci --no-audit --no-fund
fi

# 2. Debian packages: chromium (never a downloaded browser), TrueType CJK fonts, redis-server, poppler.
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
fc-list 2>/dev/null | grep -q "WenQuanYi Zen Hei" || missing+=(fonts-wqy-zenhei)
fc-list 2>/dev/null | grep -q "AR PL UMing" || missing+=(fonts-arphic-uming)
if [ "$purpose" = test ]; then command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils); fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[selfeval] 安装系统软件包：${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "[selfeval] 缺少系统软件包：${missing[*]}"
    echo "  请以 root 运行：apt-get update && apt-get install -y ${missing[*]}"
    echo "  （或设置 REDIS_URL 使用已有 Redis、CHROMIUM_PATH 指向已安装的 Chromium）"
    exit 1
  fi
fi

# 3. Build when any source is newer than the compiled CLI.
entry=dist/apps/cli/src/main.js
if [ ! -f "$entry" ] || [ -n "$(find apps libs tsconfig.json tsconfig.build.json -newer "$entry" -name '*.ts' -o -newer "$entry" -name '*.json' 2>/dev/null | head -1)" ]; then
  echo "[selfeval] 编译…"
  npx tsc -p tsconfig.build.json
  touch "$entry"
fi
