#!/usr/bin/env bash
# Retakes flows/screenshots/<flow>.png from a running NiFi with the flows imported (bin/demo), with a
# headless Chromium driven by CanvasShot.java (JDK only). Each process group is opened, fitted to the
# view, zoomed out one step (so retry loops at the edges stay in the picture), the palettes hidden, and
# the picture cut to the flow's components with a 50 px margin.
#
#   flows/tools/screenshots.sh [NIFI_PORT (8080)] [DEVTOOLS_PORT (9333)]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
port=${1:-8080}
devtools=${2:-9333}
source bin/lib/find-java.sh
profile=$(mktemp -d)
chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --remote-debugging-port="$devtools" --window-size=2000,2900 \
    --user-data-dir="$profile" about:blank >"$profile/chromium.log" 2>&1 &
browser=$!
trap 'kill "$browser" 2>/dev/null || true; wait "$browser" 2>/dev/null || true; rm -rf "$profile"' EXIT
for _ in $(seq 30); do curl -sf "http://127.0.0.1:$devtools/json/list" >/dev/null && break; sleep 1; done

shot() { "$JAVA_HOME/bin/java" flows/tools/CanvasShot.java "$devtools" "$@"; }
groups=$(curl -sf "http://127.0.0.1:$port/nifi-api/flow/process-groups/root")
for flow in flows/nifi-spectro/*.json; do
    key=$(basename "$flow" .json)
    name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["flowContents"]["name"])' "$flow")
    id=$(python3 -c 'import json,sys
for g in json.loads(sys.argv[1])["processGroupFlow"]["flow"]["processGroups"]:
    if g["component"]["name"] == sys.argv[2]: print(g["component"]["id"])' "$groups" "$name" | head -1)
    [ -n "$id" ] || { echo "no process group '$name' in the NiFi at port $port" >&2; exit 1; }
    out=$(shot size:2000x2900 "nav:http://127.0.0.1:$port/nifi/#/process-groups/$id" sleep:10000 \
        "eval:(async () => { const b = [...document.querySelectorAll('navigation-control button')];
            b[2].click(); await new Promise(r => setTimeout(r, 3000));
            b[1].click(); await new Promise(r => setTimeout(r, 3000));
            document.querySelector('graph-controls').style.display = 'none';
            let l = 1e9, t = 1e9, r = 0, b2 = 0;
            for (const e of document.querySelectorAll('g.processor, g.label, g.funnel, g.connection')) {
                const x = e.getBoundingClientRect();
                if (x.width > 0) { l = Math.min(l, x.left); t = Math.min(t, x.top); r = Math.max(r, x.right); b2 = Math.max(b2, x.bottom); }
            }
            l = Math.max(0, Math.floor(l - 50)); t = Math.max(0, Math.floor(t - 50));
            return 'CLIP=' + l + ',' + t + ',' + (Math.min(2000, Math.ceil(r + 50)) - l) + ',' + (Math.ceil(b2 + 50) - t); })()" \
        sleep:2000 "shot:flows/screenshots/$key.png")
    echo "$out" | tail -1
done
