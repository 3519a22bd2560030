#!/usr/bin/env bash
# Black-box smoke test: the real app in tmux at 100x30, driven by keys like a clerk would.
# Usage: bash tests/smoke_tmux.sh   (from the project root; needs tmux). Exits non-zero on failure.
# The app's stderr is never redirected: Textual draws on it.
set -u
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PYTHON:-python}"
WORK="$(mktemp -d)"
DB="$WORK/smoke.db"
SOCK="yingbao-smoke-$$"
T="tmux -L $SOCK"
cleanup() { $T kill-server 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

fail() { echo "SMOKE FAIL: $1"; echo "----- screen -----"; $T capture-pane -p -t s 2>/dev/null; exit 1; }

wait_for() {  # wait_for TEXT [seconds]
  local text="$1" limit="${2:-10}" i=0
  while [ "$i" -lt "$((limit * 10))" ]; do
    $T capture-pane -p -t s 2>/dev/null | grep -qF -- "$text" && return 0
    sleep 0.1; i=$((i + 1))
  done
  fail "did not see: $text"
}

cd "$ROOT" || exit 1
"$PY" main.py --db "$DB" demo >/dev/null || fail "demo build"
# a 待排查 case whose name finds it first, and its pinyin initials
read -r NAME CASE_ID <<<"$("$PY" - "$DB" <<'PYEOF'
import sys
from store.db import open_db
from store.schema import Case, Person
from store.people.search import find
open_db(sys.argv[1])
for c in Case.select().where(Case.status == "待排查").order_by(Case.id):
    p = Person.get_by_id(c.person_id)
    hits = find(p.name, limit=3)
    if hits and hits[0].case_id == c.id:
        print(p.name, c.id)
        break
PYEOF
)"
[ -n "$NAME" ] || fail "no demo case found"

$T new-session -d -s s -x 100 -y 30 "cd '$ROOT' && '$PY' main.py --db '$DB'; sleep 5"
wait_for "全镇合计" 15
wait_for "推动落实"
wait_for "上次备份"
# the name typed in the same burst as F2 (the clerk starts typing at once) lands in the form's field
$T send-keys -t s F2 "$NAME"
wait_for "电话回访（Ctrl+S 保存"
i=0
until $T capture-pane -p -t s | grep -q -- "|  $NAME "; do
  i=$((i + 1)); [ "$i" -lt 50 ] || fail "name typed with F2 not in the form"; sleep 0.1
done
$T send-keys -t s Escape
wait_for "放弃已输入的内容"
$T send-keys -t s y
wait_for "今日逾期事项"
$T send-keys -t s /
wait_for "搜索：姓名"
$T send-keys -t s -l "$NAME"
wait_for "找到"
$T send-keys -t s Enter
wait_for "身份证号"
wait_for "（按 i 显示）"
$T send-keys -t s F2
wait_for "电话回访（Ctrl+S 保存"
$T send-keys -t s -l "烟测：电话联系本人，情况属实"
sleep 0.3
$T send-keys -t s C-s
wait_for "烟测：电话联系本人" 10
wait_for "已联系"  # a call: contacted, not visited at home
$T send-keys -t s F1
wait_for "按键说明"
$T send-keys -t s Escape
$T send-keys -t s F3
wait_for "今日逾期事项"
$T send-keys -t s C-q
sleep 1

STATUS="$("$PY" - "$DB" "$CASE_ID" <<'PYEOF'
import sys
from store.db import open_db
from store.schema import Case, Contact
open_db(sys.argv[1])
c = Case.get_by_id(int(sys.argv[2]))
n = Contact.select().where(Contact.case == c.id, Contact.findings.contains("烟测")).count()
print(c.status, n)
PYEOF
)"
[ "$STATUS" = "已联系 1" ] || fail "database after the follow-up: $STATUS"
echo "SMOKE OK"
