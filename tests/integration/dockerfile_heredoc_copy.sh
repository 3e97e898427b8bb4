#!/usr/bin/env bash
# Heredoc COPY and ADD end to end on the busybox base: `COPY <<EOF /file` (variables
# expanded), `<<-` (leading tabs stripped), a quoted delimiter (no expansion), several heredocs
# into a directory, --chmod and --chown; a RUN sees the files; the files are in the image with
# mode 0644 unless --chmod; `strata import` builds to the same digest; `text` in Strata.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w/ctx"
printf '%s\n' \
  'FROM busybox' \
  'ARG WHO=world' \
  'ENV GREETING=hello' \
  'COPY <<EOF /greeting.txt' \
  '$GREETING $WHO "quoted"' \
  'EOF' \
  'COPY <<-EOT /etc/x' \
  $'\tname=$WHO' \
  $'\t\tdeeper' \
  $'\tEOT' \
  "COPY <<'RAW' /raw.txt" \
  'keep ${HOME} and $WHO' \
  'RAW' \
  'ADD --chmod=0600 --chown=1:1 <<A <<B /dir/' \
  'a-body' \
  'A' \
  'b-body' \
  'B' \
  'RUN cat /greeting.txt /etc/x /raw.txt /dir/A /dir/B > /all.txt' \
  >"$T/w/ctx/Dockerfile"
BB="busybox=oci-layout://$T/busybox-layout:latest"

build -f ctx/Dockerfile --build-context "$BB" -o "oci:$T/layout:v1" || { cat "$T/err"; fail "build failed"; }
first=$(digest)
[[ $first == sha256:* ]] || fail "last line of stdout is not a digest: $first"
umoci unpack --image "$T/layout:v1" "$T/bundle" >/dev/null
R=$T/bundle/rootfs
[ "$(cat "$R/greeting.txt")" = 'hello world "quoted"' ] || fail "greeting.txt: $(cat "$R/greeting.txt")"
[ "$(cat "$R/etc/x")" = $'name=world\ndeeper' ] || fail "<<- did not strip tabs: $(cat -A "$R/etc/x")"
[ "$(cat "$R/raw.txt")" = 'keep ${HOME} and $WHO' ] || fail "a quoted delimiter expanded: $(cat "$R/raw.txt")"
[ "$(cat "$R/dir/A")" = a-body ] || fail "/dir/A is missing or wrong"
[ "$(cat "$R/dir/B")" = b-body ] || fail "/dir/B is missing or wrong"
[ "$(stat -c %a "$R/greeting.txt")" = 644 ] || fail "greeting.txt mode is $(stat -c %a "$R/greeting.txt")"
[ "$(stat -c %u:%g "$R/greeting.txt")" = 0:0 ] || fail "greeting.txt owner is $(stat -c %u:%g "$R/greeting.txt")"
[ "$(stat -c %a "$R/dir/A")" = 600 ] || fail "--chmod=0600 gave $(stat -c %a "$R/dir/A")"
[ "$(stat -c %u:%g "$R/dir/B")" = 1:1 ] || fail "--chown=1:1 gave $(stat -c %u:%g "$R/dir/B")"
expected=$'hello world "quoted"\nname=world\ndeeper\nkeep ${HOME} and $WHO\na-body\nb-body'
[ "$(cat "$R/all.txt")" = "$expected" ] || { cat "$R/all.txt"; fail "the RUN step saw other files"; }

# Warm: all cached, same digest.
build -f ctx/Dockerfile --build-context "$BB" || { cat "$T/err"; fail "warm build failed"; }
[ "$(digest)" = "$first" ] || fail "warm rebuild changed the digest"
expect_not_contains "$T/err" "start  exec"

# A changed body is a new text node: another digest.
sed -i 's/^a-body$/a-body-2/' "$T/w/ctx/Dockerfile"
build -f ctx/Dockerfile --build-context "$BB" || { cat "$T/err"; fail "build after editing a heredoc failed"; }
[ "$(digest)" != "$first" ] || fail "editing a heredoc body kept the digest"
sed -i 's/^a-body-2$/a-body/' "$T/w/ctx/Dockerfile"

# Translation round trip: the imported program builds to the same manifest digest.
(cd "$T/w" && "$STRATA" import --build-context "$BB" -o ctx/build.strata ctx/Dockerfile) || fail "import failed"
expect_contains "$T/w/ctx/build.strata" '(text "EOF"'
build -f ctx/build.strata || { cat "$T/err"; fail "building the translation failed"; }
[ "$(digest)" = "$first" ] || fail "the translation gives $(digest), the Dockerfile $first"

# The builtin on its own.
cat >"$T/w/text.strata" <<EOF
{ default = load ./layout |> copy (text "motd" "built by strata\n") "/etc/motd" |> cmd [ "cat" "/etc/motd" ]; }
EOF
cp -r "$T/busybox-layout" "$T/w/layout"
build -f text.strata -o "oci:$T/layout2:v1" || { cat "$T/err"; fail "building text.strata failed"; }
umoci unpack --image "$T/layout2:v1" "$T/bundle2" >/dev/null
[ "$(run_bundle "$T/bundle2")" = "built by strata" ] || { run_bundle "$T/bundle2"; fail "the text artifact is not /etc/motd"; }
echo "dockerfile_heredoc_copy: ok"
