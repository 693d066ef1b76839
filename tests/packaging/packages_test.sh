#!/usr/bin/env bash
# Builds the Debian packages from a clean tree with scripts/package.sh, checks their
# metadata, extracts subsets of them into temporary roots (dpkg-deb -x, nothing is installed
# on this machine) and runs the extracted mosaic there, runs lintian on every package, and
# builds the example plugin against the extracted mosaic-sdk-dev.
#
# Usage: packages_test.sh <source dir> <scratch parent dir>
# The package tree lives in a temporary directory under <scratch parent dir>, removed at the
# end (MOSAIC_PACKAGING_KEEP=1 keeps it). ccache is shared between runs (see README there).
set -euo pipefail
src=$(cd "$1" && pwd)
parent=$2
mkdir -p "$parent"
work=$(mktemp -d "$parent/pkgtest-XXXXXX")
cleanup() {
  if [ "${MOSAIC_PACKAGING_KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
section() { echo "== $*"; }
t0=$(date +%s)
elapsed() { echo "$(($(date +%s) - t0))s"; }

for tool in dpkg-deb dpkg-shlibdeps lintian help2man cmake ninja pkg-config; do
  command -v "$tool" >/dev/null || { echo "FAIL: '$tool' is missing: run scripts/install-deps.sh" >&2; exit 1; }
done
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
arch=$(dpkg --print-architecture)
abi_major=$(sed -n 's/^#define MOSAIC_ABI_MAJOR \([0-9]*\)$/\1/p' "$src/sdk/include/mosaic/plugin_abi.h")
abi_minor=$(sed -n 's/^#define MOSAIC_ABI_MINOR \([0-9]*\)$/\1/p' "$src/sdk/include/mosaic/plugin_abi.h")
version=$(sed -n 's/^project(mosaic VERSION \([0-9.]*\) .*/\1/p' "$src/CMakeLists.txt")
plugins="agent config-hooks fleet gateway wizard"
plugin_dir=usr/lib/$multiarch/mosaic/plugins

# --- build ---------------------------------------------------------------------------------
section "build the packages (scripts/package.sh, prefix /usr, tests off)"
# Object files are shared with earlier runs: paths under the source root are made relative
# (the tree is at the same depth each run) and the working directory is not hashed (no -g).
if [ -z "${CCACHE_BASEDIR:-}" ]; then export CCACHE_BASEDIR=$src; fi
export CCACHE_NOHASHDIR=1
"$src/scripts/package.sh" --no-install-deps "$work/build" >"$work/package.log" 2>&1 || {
  tail -n 60 "$work/package.log" >&2
  echo "FAIL: scripts/package.sh failed" >&2
  exit 1
}
echo "built in $(elapsed)"
debs=$work/build/packages
deb() { echo "$debs/${1}_${version}_${arch}.deb"; }
all_packages="mosaic mosaic-sdk-dev"
for p in $plugins; do all_packages+=" mosaic-plugin-$p"; done
for p in $all_packages; do
  [ -f "$(deb "$p")" ] || { echo "FAIL: package $p was not built: $(ls "$debs")" >&2; exit 1; }
done
n=$(ls "$debs"/*.deb | wc -l)
[ "$n" -eq 7 ] || fail "expected 7 packages, found $n: $(ls "$debs")"

# --- metadata ------------------------------------------------------------------------------
section "package metadata"
field() { dpkg-deb -f "$(deb "$1")" "$2"; }
# has <package> <field> <extended regex>: one comma-separated entry of the field matches.
has() {
  local value
  value=$(field "$1" "$2")
  if ! tr ',' '\n' <<<"$value" | sed 's/^ *//' | grep -Eq "^($3)\$"; then
    fail "$1: $2 has no entry matching '$3': '$value'"
  fi
}
has mosaic Provides "mosaic-abi-$abi_major \\(= $abi_major\\.$abi_minor\\)"
for p in $plugins; do has mosaic Suggests "mosaic-plugin-$p"; done
has mosaic Depends "libc6.*"
# The host links the C++ runtime in (host/CMakeLists.txt, faster start-up); the unwinder it
# shares with the plugins, and the plugins' own libstdc++, come from their packages' Depends.
has mosaic Depends "libgcc-s1.*"
if field mosaic Depends | grep -q "libstdc++"; then fail "mosaic: Depends on libstdc++6, which the host links in"; fi
for p in $plugins; do has "mosaic-plugin-$p" Depends "libstdc\\+\\+6.*"; done
for p in $plugins; do
  has "mosaic-plugin-$p" Depends "mosaic-abi-$abi_major \\(>= $abi_major\\.$abi_minor\\)"
  has "mosaic-plugin-$p" Depends "libc6.*"
done
has mosaic-plugin-fleet Depends "tmux"
# agent works only through fleet's services (docs/services.md).
has mosaic-plugin-agent Depends "mosaic-plugin-fleet \\(>= ${version//./\\.}\\)"
has mosaic-plugin-fleet Depends "libyaml-cpp.*"
for lib in libpq5 "libhiredis[0-9.]*" "libsqlite3-0" "libsodium[0-9]*"; do
  has mosaic-plugin-gateway Depends "$lib( .*)?"
done
has mosaic-sdk-dev Depends "nlohmann-json3-dev"
has mosaic-sdk-dev Depends "libcli11-dev"
[ "$(field mosaic-sdk-dev Section)" = libdevel ] || fail "mosaic-sdk-dev: Section is not libdevel"
for p in $all_packages; do
  [ "$(field "$p" Architecture)" = "$arch" ] || fail "$p: Architecture is not $arch"
done

contents() { dpkg-deb -c "$(deb "$1")" | awk '{print $6}' | sed 's|^\./||'; }
expect_file() { contents "$1" | grep -qx "$2" || fail "$1 does not contain /$2"; }
expect_file mosaic usr/bin/mosaic
expect_file mosaic usr/share/bash-completion/completions/mosaic
expect_file mosaic usr/share/zsh/vendor-completions/_mosaic
expect_file mosaic usr/share/fish/vendor_completions.d/mosaic.fish
expect_file mosaic usr/share/man/man1/mosaic.1.gz
for p in $plugins; do
  expect_file "mosaic-plugin-$p" "$plugin_dir/$p.so"
  expect_file "mosaic-plugin-$p" "$plugin_dir/$p.plugin.json"
  # A plugin package holds its plugin and its documentation, nothing else.
  other=$(contents "mosaic-plugin-$p" | grep -v '/$' | grep -Ev "^($plugin_dir/$p\\.(so|plugin\\.json)|usr/share/doc/mosaic-plugin-$p/.*|usr/share/lintian/overrides/mosaic-plugin-$p)\$" || true)
  [ -z "$other" ] || fail "mosaic-plugin-$p contains unexpected files: $other"
done
for f in usr/include/mosaic/plugin_abi.h usr/include/mosaic/sdk.hpp "usr/lib/$multiarch/libmosaic_support.a" \
  usr/bin/mosaic-plugin-manifest "usr/lib/$multiarch/cmake/MosaicSDK/MosaicSDKConfig.cmake" \
  "usr/lib/$multiarch/cmake/MosaicSDK/MosaicPlugin.cmake" "usr/lib/$multiarch/pkgconfig/mosaic-sdk.pc" \
  usr/share/man/man1/mosaic-plugin-manifest.1.gz usr/share/doc/mosaic-sdk-dev/examples/hello/hello.cpp \
  usr/share/doc/mosaic-sdk-dev/plugin-manifest.md usr/share/doc/mosaic-sdk-dev/services.md \
  usr/share/doc/mosaic-sdk-dev/plugin-manifest.schema.json; do
  expect_file mosaic-sdk-dev "$f"
done
for p in $all_packages; do
  expect_file "$p" "usr/share/doc/$p/copyright"
  expect_file "$p" "usr/share/doc/$p/changelog.gz"
done
# Nothing is ever installed outside /usr.
for p in $all_packages; do
  outside=$(contents "$p" | grep -v '^usr/' | grep -vx '' || true)
  [ -z "$outside" ] || fail "$p installs outside /usr: $outside"
done

# --- subsets, extracted into temporary roots -------------------------------------------------
# extract <root name> <package>...: a fresh root holding only those packages.
extract() {
  local root=$work/roots/$1
  shift
  mkdir -p "$root"
  for p in "$@"; do dpkg-deb -x "$(deb "$p")" "$root"; done
  echo "$root"
}
# run <root> [--no-system-path] <args>...: the extracted mosaic, in a clean environment with
# a home of its own per root; stdout in $out, stderr in $err, exit status in $rc.
run() {
  local root=$1
  shift
  local system=(MOSAIC_PLUGIN_SYSTEM_PATH="$root/$plugin_dir")
  if [ "${1:-}" = --no-system-path ]; then system=(); shift; fi
  local home=$work/homes/$(basename "$root")
  mkdir -p "$home"
  set +e
  env -i PATH="${PATH_OVERRIDE:-/usr/bin:/bin}" LANG=C.UTF-8 HOME="$home" XDG_DATA_HOME="$home/.local/share" \
    XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache" MOSAIC_HOME="$home/mosaic" \
    CLAUDE_HOME="$home/claude" "${system[@]}" "$root/usr/bin/mosaic" "$@" \
    >"$work/out" 2>"$work/err" </dev/null
  rc=$?
  set -e
  out=$(cat "$work/out")
  err=$(cat "$work/err")
}
# re <text>: <text> as an extended regular expression matching itself.
re() { sed 's/[][\\.*^$+?(){}|]/\\&/g' <<<"$1"; }
# expect <what> <expected status> [stdout regex] [stderr regex]
expect() {
  local what=$1 status=$2
  if [ "$rc" -ne "$status" ]; then
    fail "$what: exit $rc, expected $status; stdout: $out; stderr: $err"
    return
  fi
  if [ -n "${3:-}" ] && ! grep -Eq -- "$3" <<<"$out"; then fail "$what: stdout does not match '$3': $out"; fi
  if [ -n "${4:-}" ] && ! grep -Eq -- "$4" <<<"$err"; then fail "$what: stderr does not match '$4': $err"; fi
}
lacks() { if grep -Eq -- "$2" <<<"$out"; then fail "$1: stdout should not match '$2': $out"; fi; }
commands_of() { sed -n '/^commands:/,/^$/p' <<<"$out" | awk 'NF {print $1}' | tail -n +2 | tr '\n' ' '; }

section "core alone"
core=$(extract core mosaic)
run "$core" --help
expect "core: mosaic --help" 0 "^commands:"
[ "$(commands_of)" = "completion doctor help plugins version " ] || fail "core: commands are '$(commands_of)'"
run "$core" --version
expect "core: mosaic --version" 0 "^mosaic $version \\(plugin ABI $abi_major\\.$abi_minor\\)$"
run "$core" gateway status
expect "core: mosaic gateway" 3 "" "'gateway' command is provided by package mosaic-plugin-gateway, which is not installed"
run "$core" config show
expect "core: mosaic config" 3 "" "package mosaic-plugin-config-hooks, which is not installed"
run "$core" wizard
expect "core: mosaic wizard" 3 "" "package mosaic-plugin-wizard, which is not installed"
run "$core" fleet status
expect "core: mosaic fleet" 3 "" "package mosaic-plugin-fleet, which is not installed"
run "$core" agent roster
expect "core: mosaic agent" 3 "" "package mosaic-plugin-agent, which is not installed"
run "$core" completion bash
expect "core: mosaic completion bash" 0
cmp -s "$work/out" "$core/usr/share/bash-completion/completions/mosaic" ||
  fail "core: the installed bash completion differs from 'mosaic completion bash'"
run "$core" completion fish
cmp -s "$work/out" "$core/usr/share/fish/vendor_completions.d/mosaic.fish" ||
  fail "core: the installed fish completion differs from 'mosaic completion fish'"
run "$core" completion zsh
cmp -s "$work/out" "$core/usr/share/zsh/vendor-completions/_mosaic" ||
  fail "core: the installed zsh completion differs from 'mosaic completion zsh'"
bash -c "source '$core/usr/share/bash-completion/completions/mosaic' && complete -p mosaic" >/dev/null 2>&1 ||
  fail "core: the bash completion file does not register a completion for mosaic"
man_text=$(zcat "$core/usr/share/man/man1/mosaic.1.gz")
grep -q '^\.TH MOSAIC "1"' <<<"$man_text" || fail "core: mosaic.1 has no .TH header"
for s in SYNOPSIS DESCRIPTION PLUGINS ENVIRONMENT; do
  grep -q "^\\.SH \"*$s" <<<"$man_text" || fail "core: mosaic.1 has no $s section"
done
grep -q 'mosaic\\-plugin\\-gateway' <<<"$man_text" || fail "core: mosaic.1 does not name the plugin packages"
grep -q 'show the version of mosaic' <<<"$man_text" || fail "core: mosaic.1 does not carry the --help text"

section "core + config-hooks"
ch=$(extract core-config-hooks mosaic mosaic-plugin-config-hooks)
run "$ch" --help
expect "core+config-hooks: --help" 0
[ "$(commands_of)" = "completion config doctor help plugins version " ] || fail "core+config-hooks: commands are '$(commands_of)'"
run "$ch" plugins list --strict
expect "core+config-hooks: plugins list --strict" 0 "^config-hooks +$(re "$version") +$abi_major\\.$abi_minor +ok +$(re "$ch/$plugin_dir/config-hooks.plugin.json")\$"
run "$ch" config path
expect "core+config-hooks: config path" 0 "/mosaic/mosaic.config.json$"
run "$ch" config hooks install
expect "core+config-hooks: config hooks install" 0
run "$ch" config hooks list
expect "core+config-hooks: config hooks list" 0 "prevent-memory-write"
[ -f "$work/homes/core-config-hooks/claude/settings.json" ] ||
  fail "core+config-hooks: config hooks install wrote no settings.json in the scratch CLAUDE_HOME"
run "$ch" gateway status
expect "core+config-hooks: gateway" 3 "" "package mosaic-plugin-gateway, which is not installed"

section "core + gateway + wizard"
gw=$(extract core-gateway-wizard mosaic mosaic-plugin-gateway mosaic-plugin-wizard)
run "$gw" --help
expect "core+gateway+wizard: --help" 0
[ "$(commands_of)" = "completion doctor gateway help plugins version wizard " ] ||
  fail "core+gateway+wizard: commands are '$(commands_of)'"
run "$gw" gateway status
expect "core+gateway+wizard: gateway status (loads gateway.so)" 4 "not installed"
run "$gw" wizard --help
expect "core+gateway+wizard: wizard --help" 0 "usage: mosaic wizard"
# Headless, hooks only: the gateway is never started; the hooks stage names the package.
run "$gw" --yes wizard --section hooks
expect "core+gateway+wizard: wizard --section hooks" 0 \
  "Hooks +skipped: package mosaic-plugin-config-hooks is not installed" \
  "skipping configuration and hooks: package mosaic-plugin-config-hooks is not installed"
run "$gw" config show
expect "core+gateway+wizard: config" 3 "" "package mosaic-plugin-config-hooks, which is not installed"

section "all packages, found through the compiled-in system directory"
all=$(extract all mosaic mosaic-plugin-agent mosaic-plugin-config-hooks mosaic-plugin-fleet mosaic-plugin-gateway mosaic-plugin-wizard)
run "$all" --no-system-path plugins list --strict
expect "all: plugins list --strict (no MOSAIC_PLUGIN_SYSTEM_PATH)" 0
for p in $plugins; do
  grep -Eq "^$p +$(re "$version") +$abi_major\\.$abi_minor +ok +$(re "$all/$plugin_dir/$p.plugin.json")\$" <<<"$out" ||
    fail "all: plugin $p is not listed ok from $all/$plugin_dir: $out"
done
# Every plugin package, each beside the core alone, passes `plugins verify`: it loads in a
# child process, exports one symbol, agrees with its manifest, starts, and its doctor answers.
for p in $plugins; do
  verify_root=$(extract "verify-$p" mosaic "mosaic-plugin-$p")
  run "$verify_root" plugins verify "$p"
  expect "mosaic-plugin-$p: plugins verify $p" 0 "every plugin passed"
done
run "$all" plugins verify --json
expect "all: plugins verify --json" 0 '"ok": true'
run "$all" --no-system-path --help
[ "$(commands_of)" = "agent completion compose-contract config doctor fleet gateway help plugins version wizard yolo " ] ||
  fail "all: commands are '$(commands_of)'"
run "$all" fleet --help
expect "all: fleet --help (loads fleet.so)" 0 "fleet"
run "$all" gateway status
expect "all: gateway status" 4 "not installed"
run "$all" --yes wizard --section hooks
expect "all: wizard --section hooks (through the config-hooks services)" 0 "Hooks +installed: "
lacks "all: wizard --section hooks" "not installed"
echo "subsets checked at $(elapsed)"

# --- an operator's walk through the extracted fleet and agent packages ---------------------
# A roster from a profile, started (a fake systemctl does what the units would: the holder's
# tmux session, `mosaic fleet launch` per agent), a verified message, tail, reset. Real tmux on
# a private socket; every runtime is a fake that echoes each line it reads.
section "operator walk-through: fleet + agent packages, real tmux"
fleet_root=$(extract fleet-agent mosaic mosaic-plugin-fleet mosaic-plugin-agent)
fake=$work/fake-bin
socket=mosaic-pkgtest-$$
mkdir -p "$fake"
cat >"$fake/systemctl" <<SH
#!/bin/sh
case "\$2 \$3" in
  'start mosaic-tmux-holder.service') exec tmux -L $socket new-session -d -s _holder 'sleep 600' ;;
  start\\ mosaic-agent@*|restart\\ mosaic-agent@*)
    a=\${3#mosaic-agent@}; a=\${a%.service}
    [ "\$2" = restart ] && tmux -L $socket kill-session -t "=\$a" 2>/dev/null
    exec "$fleet_root/usr/bin/mosaic" fleet launch "\$a" >/dev/null ;;
  show\\ *) printf 'ActiveState=active\\nSubState=running\\nUnitFileState=enabled\\n' ;;
esac
SH
cat >"$fake/echo-runtime" <<SH
#!/bin/sh
echo "runtime ready"
while IFS= read -r line; do printf '%s\\n' "\$line" >>"$work/walk-\$MOSAIC_AGENT_NAME.log"; echo "got: \$line"; done
SH
chmod +x "$fake/systemctl" "$fake/echo-runtime"
for rt in claude codex opencode pi; do ln -sf echo-runtime "$fake/$rt"; done
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; cleanup' EXIT
# walk <args>: the extracted mosaic with the fakes first on PATH (the panes inherit it).
walk() { PATH_OVERRIDE="$fake:/usr/bin:/bin" run "$fleet_root" "$@"; }
walk fleet provision --profile software-delivery --write
expect "walk: fleet provision --write" 0
roster_file=$work/homes/fleet-agent/mosaic/fleet/roster.yaml
sed -i "s/socket_name: [^,} ]*/socket_name: $socket/" "$roster_file"
first=$(sed -n 's/^ *- *{ *name: \([^,]*\),.*/\1/p; s/^ *- name: //p' "$roster_file" | head -1)
walk fleet start
expect "walk: fleet start" 0 "started mosaic-agent@$first.service"
for _ in $(seq 100); do
  tmux -L "$socket" capture-pane -p -t "=$first:0.0" 2>/dev/null | grep -q "runtime ready" && break
  sleep 0.1
done
walk agent send "$first" --message 'hello from the walk-through' --verify
expect "walk: agent send --verify" 0 "accepted"
walk agent tail "$first" -n 5
expect "walk: agent tail" 0 "got: \\[.*-> .*:$first\\] hello from the walk-through"
walk agent reset "$first"
expect "walk: agent reset" 0
grep -q "^/clear$" "$work/walk-$first.log" 2>/dev/null || fail "walk: reset did not type /clear into '$first': $(cat "$work/walk-$first.log" 2>&1)"
walk agent status "$first" --json
expect "walk: agent status" 0 "\"$first\""
tmux -L "$socket" kill-server 2>/dev/null || true
echo "walk-through done at $(elapsed)"

# --- the SDK as installed, with the example plugin -----------------------------------------
section "example plugin built against the extracted mosaic-sdk-dev"
sdk=$(extract sdk mosaic-sdk-dev)
cmp -s "$sdk/usr/include/mosaic/plugin_abi.h" "$src/sdk/include/mosaic/plugin_abi.h" ||
  fail "mosaic-sdk-dev: plugin_abi.h differs from the source"
# The pkg-config file is relocatable (prefix=${pcfiledir}/...): extracted anywhere, it names
# the paths there, with no PKG_CONFIG_SYSROOT_DIR; and it carries the ABI and the dependency a
# plugin package takes, the very one the first-party plugin packages have.
pcvar() { PKG_CONFIG_PATH="$sdk/usr/lib/$multiarch/pkgconfig" pkg-config --variable="$1" mosaic-sdk; }
same_path() { [ "$(realpath -m "$1")" = "$(realpath -m "$2")" ] || fail "mosaic-sdk.pc: $3 is '$1', not $2"; }
same_path "$(pcvar prefix)" "$sdk/usr" prefix
same_path "$(pcvar includedir)" "$sdk/usr/include" includedir
same_path "$(pcvar libdir)" "$sdk/usr/lib/$multiarch" libdir
[ -f "$(pcvar plugin_map)" ] || fail "mosaic-sdk.pc: plugin_map '$(pcvar plugin_map)' does not exist"
pc_flags=$(PKG_CONFIG_PATH="$sdk/usr/lib/$multiarch/pkgconfig" pkg-config --cflags --libs mosaic-sdk) ||
  fail "pkg-config mosaic-sdk failed"
grep -q -- "-I$(pcvar includedir)" <<<"$pc_flags" || fail "mosaic-sdk.pc: no -I of its includedir: $pc_flags"
grep -q -- "-L$(pcvar libdir)" <<<"$pc_flags" || fail "mosaic-sdk.pc: no -L of its libdir: $pc_flags"
[ "$(pcvar abi_major).$(pcvar abi_minor)" = "$abi_major.$abi_minor" ] ||
  fail "mosaic-sdk.pc: ABI $(pcvar abi_major).$(pcvar abi_minor), the header says $abi_major.$abi_minor"
for p in $plugins; do has "mosaic-plugin-$p" Depends "$(re "$(pcvar plugin_deb_depends)")"; done
hello=$work/hello
cp -r "$sdk/usr/share/doc/mosaic-sdk-dev/examples/hello" "$hello-src"
if cmake -S "$hello-src" -B "$hello" -G Ninja -DCMAKE_PREFIX_PATH="$sdk/usr" >"$work/hello.log" 2>&1 &&
   cmake --build "$hello" >>"$work/hello.log" 2>&1; then
  sdk_dir=$(sed -n 's/^MosaicSDK_DIR:PATH=//p' "$hello/CMakeCache.txt")
  [ "$sdk_dir" = "$sdk/usr/lib/$multiarch/cmake/MosaicSDK" ] || fail "hello: MosaicSDK came from '$sdk_dir'"
  grep -q "$sdk/usr/bin/mosaic-plugin-manifest" "$hello/build.ninja" ||
    fail "hello: the manifest was not written by the packaged mosaic-plugin-manifest"
  run "$all" --plugin-dir "$hello/plugins" hello Packager
  expect "hello under the extracted mosaic" 0 "^Hello, Packager!$"
  run "$all" --plugin-dir "$hello/plugins" --help
  expect "hello in --help" 0 "^  hello "
else
  tail -n 40 "$work/hello.log" >&2
  fail "the example plugin does not build against the extracted mosaic-sdk-dev"
fi
echo "SDK checked at $(elapsed)"

# --- lintian -------------------------------------------------------------------------------
section "lintian"
# Errors fail; warnings are printed (every override is explained in packaging/README.md).
if lintian --fail-on error --allow-root --tag-display-limit 0 "$debs"/*.deb >"$work/lintian.log" 2>&1; then
  echo "lintian: no errors ($(grep -c '^W:' "$work/lintian.log" || true) warnings)"
else
  fail "lintian reports errors"
fi
cat "$work/lintian.log"
echo "lintian done at $(elapsed)"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "packages: all checks passed in $(elapsed)"
