#!/bin/sh
# test_install.sh -- `make install DESTDIR=...` produces the service layout: binaries, the
# configuration under sysconfdir/presswatch/ with the state and log paths of this build, the
# systemd unit (`systemd-analyze verify` clean, `systemd-analyze security` exposure <= 2.0),
# sysusers.d/tmpfiles.d snippets that create the user and directories, a logrotate file that
# rotates the alert log and signals the daemon, and man pages that render without warnings and
# document every command, option and configuration key the code has.  Then a reinstall keeps
# a changed configuration file, and uninstall removes everything it installed.
. "$top_srcdir/tests/tap.sh"
set -u

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pw-install.XXXXXX") || skip_all "mktemp failed"
root=$tmp/root
hup_pid=""
cleanup() {
	[ -n "$hup_pid" ] && kill "$hup_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# A make of our own, not a part of the `make check` running this test.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} -C "$top_builddir" "$@"; }

dirs=$(mk -s pw-print-dirs) || { echo "Bail out! make pw-print-dirs failed"; exit 1; }
eval "$dirs"
conf=$root$pkgsysconfdir/presswatch.conf
unit=$root$systemdsystemunitdir/presswatch.service
diag "prefix=$prefix sysconfdir=$sysconfdir localstatedir=$localstatedir libsystemd=$have_libsystemd"

# --- install ---------------------------------------------------------------------------
mk install DESTDIR="$root" >"$tmp/install.log" 2>&1
st=$?
ok $st "make install DESTDIR=... succeeds"
[ $st -eq 0 ] || { sed 's/^/# /' "$tmp/install.log" | tail -30; done_testing; exit 1; }
(cd "$root" && find . -type f | sort) >"$tmp/installed.list"

for f in "$sysconfdir/presswatch/presswatch.conf" "$sysconfdir/presswatch/feeds.conf" \
	 "$sysconfdir/presswatch/topics.conf" "$systemdsystemunitdir/presswatch.service" \
	 "$sysusersdir/presswatch.conf" "$tmpfilesdir/presswatch.conf" \
	 "$logrotatedir/presswatch" "$mandir/man8/presswatchd.8" "$mandir/man1/presswatch.1" \
	 "$mandir/man5/presswatch.conf.5"; do
	check "installed $f" -- test -f "$root$f"
done
check "installed $sysconfdir/presswatch/feeds.d/" -- test -d "$root$pkgsysconfdir/feeds.d"
for p in $bin_programs; do
	check "installed $bindir/${p##*/}" -- test -x "$root$bindir/${p##*/}"
done
for p in $sbin_programs; do
	check "installed $sbindir/${p##*/}" -- test -x "$root$sbindir/${p##*/}"
done
daemon=""
case " $sbin_programs " in *presswatchd*) daemon=$root$sbindir/presswatchd ;; esac
[ -n "$daemon" ] || diag "presswatchd is not part of this build yet: its checks are left out"

# Nothing left for configure or make to fill in.
texts="$unit $root$sysusersdir/presswatch.conf $root$tmpfilesdir/presswatch.conf
$root$logrotatedir/presswatch $root$mandir/man8/presswatchd.8 $root$mandir/man1/presswatch.1
$root$mandir/man5/presswatch.conf.5 $conf"
# shellcheck disable=SC2086
left=$(grep -n -E '@[a-zA-Z_]+@|\$\{?(prefix|exec_prefix|localstatedir|sysconfdir)' $texts)
is "$left" "" "no @placeholder@ or \${prefix} is left in the installed files"

# --- the unit ----------------------------------------------------------------------------
key() { sed -n "s/^$1=//p" "$unit"; }
is "$(key ExecStart)" "$sbindir/presswatchd -f -c $sysconfdir/presswatch/presswatch.conf" "unit: ExecStart runs the daemon in the foreground on the installed config"
is "$(key ExecReload)" "/bin/kill -HUP \$MAINPID" "unit: reload sends SIGHUP"
is "$(key Restart)" "on-failure" "unit: Restart=on-failure"
if [ "$have_libsystemd" = yes ]; then
	is "$(key Type)" "notify" "unit: Type=notify (built with libsystemd)"
	is "$(key WatchdogSec)" "60" "unit: WatchdogSec=60"
else
	is "$(key Type)" "exec" "unit: Type=exec (built without libsystemd, no sd_notify)"
	is "$(key WatchdogSec)" "" "unit: no watchdog without libsystemd"
fi
is "$(key User)" "presswatch" "unit: runs as the presswatch user"
is "$(key ReadWritePaths)" "$localstatedir/lib/presswatch $localstatedir/log/presswatch" "unit: writes only the state and log directories of this build"
is "$(key CapabilityBoundingSet)" "" "unit: no capabilities"

# --- the configuration -------------------------------------------------------------------
is "$(sed -n 's/^path *= *//p' "$conf")" "$localstatedir/lib/presswatch/presswatch.db" "presswatch.conf: [store] path under localstatedir"
is "$(sed -n 's/^log *= *//p' "$conf")" "$localstatedir/log/presswatch/alerts.jsonl" "presswatch.conf: [alerts] log under localstatedir"
sed -e "s|$localstatedir/lib/presswatch|/var/lib/presswatch|" -e "s|$localstatedir/log/presswatch|/var/log/presswatch|" \
	"$conf" >"$tmp/conf.back"
check "presswatch.conf: nothing else differs from etc/presswatch.conf" -- cmp "$tmp/conf.back" "$top_srcdir/etc/presswatch.conf"
check "feeds.conf is etc/feeds.conf" -- cmp "$root$pkgsysconfdir/feeds.conf" "$top_srcdir/etc/feeds.conf"
check "topics.conf is etc/topics.conf" -- cmp "$root$pkgsysconfdir/topics.conf" "$top_srcdir/etc/topics.conf"
if [ -n "$daemon" ]; then
	"$daemon" --check-config -c "$conf" >"$tmp/check.out" 2>&1
	st=$?
	ok $st "presswatchd --check-config accepts the installed configuration"
	[ $st -eq 0 ] || sed 's/^/# /' "$tmp/check.out" | head -20
fi

# --- sysusers.d and tmpfiles.d, applied to the temporary root ------------------------------
if ! command -v systemd-sysusers >/dev/null 2>&1 || ! command -v systemd-tmpfiles >/dev/null 2>&1; then
	diag "SKIP sysusers.d/tmpfiles.d checks: systemd-sysusers/systemd-tmpfiles not installed"
elif [ "$(id -u)" -ne 0 ]; then
	diag "SKIP sysusers.d/tmpfiles.d checks: creating files owned by presswatch needs root"
else
	mkdir -p "$root/etc"
	systemd-sysusers --root="$root" "$root$sysusersdir/presswatch.conf" >"$tmp/sysusers.out" 2>&1
	ok $? "systemd-sysusers creates the presswatch user"
	sed 's/^/# /' "$tmp/sysusers.out"
	uid=$(awk -F: '$1 == "presswatch" { print $3 }' "$root/etc/passwd" 2>/dev/null)
	gid=$(awk -F: '$1 == "presswatch" { print $3 }' "$root/etc/group" 2>/dev/null)
	ok "$([ -n "$uid" ] && [ -n "$gid" ]; echo $?)" "presswatch user ($uid) and group ($gid) exist in the root"
	systemd-tmpfiles --root="$root" --create "$root$tmpfilesdir/presswatch.conf" >"$tmp/tmpfiles.out" 2>&1
	ok $? "systemd-tmpfiles creates the state and log directories"
	sed 's/^/# /' "$tmp/tmpfiles.out"
	for d in "$localstatedir/lib/presswatch" "$localstatedir/log/presswatch"; do
		is "$(stat -c '%a %u %g' "$root$d" 2>/dev/null)" "750 $uid $gid" "$d: mode 0750, owned by presswatch"
	done
fi

# --- systemd-analyze --------------------------------------------------------------------------
if ! command -v systemd-analyze >/dev/null 2>&1; then
	diag "SKIP systemd-analyze verify/security: systemd-analyze is not installed"
elif [ -z "$daemon" ]; then
	diag "SKIP systemd-analyze verify/security: no presswatchd binary for ExecStart= yet"
else
	# The root needs what the unit refers to outside presswatch: the targets it orders
	# against (and their default dependencies) and /bin/kill.  The unit goes where an admin's
	# would, so that the unit search path finds it whatever --with-systemdsystemunitdir said.
	mkdir -p "$root/etc/systemd/system" "$root/usr/lib/systemd/system" "$root/bin"
	cp "$unit" "$root/etc/systemd/system/presswatch.service"
	for t in sysinit basic shutdown network-online multi-user; do
		cp /usr/lib/systemd/system/$t.target "$root/usr/lib/systemd/system/" 2>/dev/null ||
			cp /lib/systemd/system/$t.target "$root/usr/lib/systemd/system/" 2>/dev/null
	done
	[ -e "$root/bin/kill" ] || cp "$(command -v kill || echo /bin/kill)" "$root/bin/kill" 2>/dev/null ||
		cp /usr/bin/kill "$root/bin/kill"
	# MANPATH: Documentation=man:... must name pages that were installed.
	MANPATH=$root$mandir systemd-analyze verify --root="$root" presswatch.service >"$tmp/verify.out" 2>&1
	st=$?
	[ $st -eq 0 ] && [ ! -s "$tmp/verify.out" ]
	ok $? "systemd-analyze verify: clean (Documentation= pages found)"
	sed 's/^/# /' "$tmp/verify.out"
	systemd-analyze security --offline=true --threshold=20 --root="$root" presswatch.service \
		>"$tmp/security.out" 2>&1
	st=$?
	line=$(grep 'Overall exposure level for presswatch.service' "$tmp/security.out")
	exposure=$(echo "$line" | sed -n 's/.*: \([0-9][0-9.]*\) .*/\1/p')
	diag "${line:-no exposure line}"
	[ $st -eq 0 ] && [ -n "$exposure" ] && awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }'
	ok $? "systemd-analyze security: exposure ${exposure:-?} <= 2.0"
	case "$line" in *" OK"*|*" SAFE"*) ok 0 "systemd-analyze security rates the unit OK or better" ;;
	*) ok 1 "systemd-analyze security rates the unit OK or better"; grep '✗' "$tmp/security.out" | sed 's/^/# /' ;; esac
fi

# --- logrotate: rename + SIGHUP, no copytruncate -------------------------------------------
lr=$root$logrotatedir/presswatch
check "logrotate file: no copytruncate" -- sh -c "! grep -v '^[[:space:]]*#' '$lr' | grep -q copytruncate"
if ! command -v logrotate >/dev/null 2>&1; then
	diag "SKIP logrotate run: logrotate is not installed"
else
	# The shipped file, pointed at a log and pid file in the temporary root, with the
	# ownership of the new file set to ours (the presswatch user need not exist here).
	logdir=$tmp/log; rundir=$tmp/run/presswatch
	mkdir -p "$logdir" "$rundir"
	me=$(id -un); grp=$(id -gn)
	sed -e "s|$localstatedir/log/presswatch|$logdir|" -e "s|$runstatedir/presswatch|$rundir|g" \
		-e "s|create 0640 presswatch presswatch|create 0640 $me $grp|" \
		-e 's|\[ -d /run/systemd/system \]|false|' "$lr" >"$tmp/logrotate.conf"
	# A stand-in daemon: records each SIGHUP, as presswatchd reopens its log on it.
	sh -c "trap 'echo hup >>\"$tmp/hups\"' HUP; i=0; while [ \$i -lt 300 ]; do sleep 0.1; i=\$((i+1)); done" &
	hup_pid=$!
	echo "$hup_pid" >"$rundir/presswatchd.pid"
	printf '{"topic":"karabakh","story_id":1}\n{"topic":"ua-elections","story_id":2}\n' >"$logdir/alerts.jsonl"
	ino=$(stat -c %i "$logdir/alerts.jsonl")
	sleep 0.3   # let the stand-in install its trap
	logrotate --force --state "$tmp/logrotate.state" "$tmp/logrotate.conf" >"$tmp/logrotate.out" 2>&1
	ok $? "logrotate runs the shipped file"
	sed 's/^/# /' "$tmp/logrotate.out"
	is "$(stat -c %i "$logdir/alerts.jsonl.1" 2>/dev/null)" "$ino" "the alert log was renamed, not copied"
	is "$(wc -l <"$logdir/alerts.jsonl.1" 2>/dev/null)" "2" "no alert lost"
	is "$(stat -c '%a %s' "$logdir/alerts.jsonl" 2>/dev/null)" "640 0" "a new empty alert log, mode 0640"
	n=0; while [ ! -s "$tmp/hups" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
	is "$(cat "$tmp/hups" 2>/dev/null)" "hup" "the daemon got one SIGHUP (reopen)"
	kill "$hup_pid" 2>/dev/null; wait "$hup_pid" 2>/dev/null; hup_pid=""
fi

# --- man pages ---------------------------------------------------------------------------------
for page in man8/presswatchd.8 man1/presswatch.1 man5/presswatch.conf.5; do
	f=$root$mandir/$page
	w=$(groff -man -ww -z -Tutf8 "$f" 2>&1)
	is "$w" "" "groff -man -ww: $page has no warnings"
	if command -v man >/dev/null 2>&1; then
		w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
		is "$w" "" "man -l: $page renders without warnings"
	fi
done
# Every subcommand of cli/commands.def, and every long option of both programs, is in a page
# (compared on the sources with the roff escape of '-' removed).
for page in man1/presswatch.1 man8/presswatchd.8 man5/presswatch.conf.5; do
	sed 's/\\-/-/g' "$root$mandir/$page" >"$tmp/${page##*/}.plain"
done
missing=""
for c in $(sed -n 's/^PW_CMD([a-z_]*, *"\([^"]*\)".*/\1/p' "$top_srcdir/cli/commands.def"); do
	grep -q "^\.B $c\( \|$\)" "$tmp/presswatch.1.plain" || missing="$missing $c"
done
is "$missing" "" "presswatch(1) describes every command in cli/commands.def"
# ... and promises none that is not there.
extra=""
for c in $(sed -n '/^\.SH COMMANDS/,/^\.SH /{/^\.TP/{n;s/^\.B \([a-z][a-z-]*\)\( .*\)\{0,1\}$/\1/p;}}' "$tmp/presswatch.1.plain"); do
	grep -q "^PW_CMD([a-z_]*, *\"$c\"" "$top_srcdir/cli/commands.def" || extra="$extra $c"
done
is "$extra" "" "every command presswatch(1) describes exists"
longopts() { sed -n 's/^[[:space:]]*{ *"\([a-z-]*\)", *\(no\|required\|optional\)_argument.*/\1/p' "$1"; }
missing=""
for o in $(longopts "$top_srcdir/cli/presswatch.c"); do
	grep -q -e "--$o\b" "$tmp/presswatch.1.plain" || missing="$missing --$o"
done
is "$missing" "" "presswatch(1) describes every global option"
for f in "$top_srcdir"/cli/cmd_*.c; do
	[ -f "$f" ] || continue
	missing=""
	for o in $(longopts "$f"); do
		grep -q -e "--$o\b" "$tmp/presswatch.1.plain" || missing="$missing --$o"
	done
	is "$missing" "" "presswatch(1) describes every option of ${f##*/}"
done
if [ -f "$top_srcdir/daemon/presswatchd.c" ]; then
	missing=""
	for o in $(longopts "$top_srcdir/daemon/presswatchd.c"); do
		grep -q -e "--$o\b" "$tmp/presswatchd.8.plain" || missing="$missing --$o"
	done
	is "$missing" "" "presswatchd(8) describes every option of daemon/presswatchd.c"
	extra=""
	for o in $(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$tmp/presswatchd.8.plain" | grep -o -e '--[a-z][a-z-]*' | sort -u); do
		longopts "$top_srcdir/daemon/presswatchd.c" | grep -qx -e "${o#--}" || extra="$extra $o"
	done
	is "$extra" "" "every option presswatchd(8) describes exists"
fi
# Every key of the presswatch.conf key table, under its section.
missing=""
for sk in $(sed -n 's/^[[:space:]]*{ *"\([a-z_]*\)", *"\([a-z_]*\)", *K_.*/\1:\2/p' "$top_srcdir/feeds/config.c"); do
	s=${sk%%:*}; k=${sk#*:}
	sed -n "/^\.SS \[$s\]/,/^\.S[SH] /p" "$tmp/presswatch.conf.5.plain" | grep -q "^\.BI $k \"" ||
		missing="$missing [$s]$k"
done
is "$missing" "" "presswatch.conf(5) documents every key of feeds/config.c in its section"
extra=""
for sk in $(sed -n '/^\.SH PRESSWATCH.CONF/,/^\.SH /{/^\.SS \[/h;/^\.BI [a-z_]* "/{G;s/^\.BI \([a-z_]*\) .*\n\.SS \[\([a-z]*\)\].*/\2:\1/p;}}' "$tmp/presswatch.conf.5.plain"); do
	grep -q "{ *\"${sk%%:*}\", *\"${sk#*:}\", *K_" "$top_srcdir/feeds/config.c" || extra="$extra [${sk%%:*}]${sk#*:}"
done
is "$extra" "" "every presswatch.conf key presswatch.conf(5) documents exists"

# --- reinstall keeps a changed configuration; uninstall removes what install put there --------
echo "# changed by the admin" >>"$root$pkgsysconfdir/feeds.conf"
cp "$root$pkgsysconfdir/feeds.conf" "$tmp/feeds.changed"
mk install DESTDIR="$root" >"$tmp/install2.log" 2>&1
ok $? "make install again succeeds"
check "reinstall: the changed feeds.conf is kept" -- cmp "$root$pkgsysconfdir/feeds.conf" "$tmp/feeds.changed"
check "reinstall: the new default is beside it as feeds.conf.new" -- cmp "$root$pkgsysconfdir/feeds.conf.new" "$top_srcdir/etc/feeds.conf"
check "reinstall: an unchanged presswatch.conf gets no .new" -- test ! -e "$conf.new"

mk uninstall DESTDIR="$root" >"$tmp/uninstall.log" 2>&1
ok $? "make uninstall succeeds"
left=""
while read -r f; do
	[ -e "$root/$f" ] && left="$left $f"
done <"$tmp/installed.list"
[ -e "$root$pkgsysconfdir/feeds.conf.new" ] && left="$left feeds.conf.new"
is "$left" "" "make uninstall removes every installed file"

done_testing
