#!/usr/bin/env bats
# make install: the binary, berth(8) generated from the CLI definitions, and shell completions
# that ask berth for command names, flags and container IDs.

load helpers

setup() {
	berth_setup
	requires_berth
	STAGE=$BATS_TEST_TMPDIR/stage
}

teardown() {
	cleanup_berth
}

@test "make install DESTDIR= PREFIX= installs binary, man page and completions; uninstall removes them" {
	run make -C "$REPO" install DESTDIR="$STAGE" PREFIX=/opt/b
	assert_success
	run "$STAGE/opt/b/sbin/berth" --version
	assert_success
	assert_line --index 0 --partial "berth version"
	local page=$STAGE/opt/b/share/man/man8/berth.8
	run grep -c '^\.SH' "$page"
	assert_success
	# A section per command, with the command's flags, straight from the CLI definitions.
	run grep -x '\.SH create' "$page"
	assert_success
	run grep -- '--bundle' "$page"
	assert_success
	[[ -f $STAGE/opt/b/share/bash-completion/completions/berth ]]
	[[ -f $STAGE/opt/b/share/zsh/site-functions/_berth ]]
	run make -C "$REPO" uninstall DESTDIR="$STAGE" PREFIX=/opt/b
	assert_success
	run find "$STAGE" -type f
	assert_output ""
}

# complete WORDS...: run the bash completion for WORDS (the last one is being typed); the
# candidates, one per line, are in $output.
complete_words() {
	run bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _berth
		printf "%s\n" "${COMPREPLY[@]}"' _ "$REPO/contrib/completions/bash/berth" "$@"
	assert_success
}

@test "bash completion offers commands, flags and the IDs of containers under --root" {
	complete_words "$BERTH_BIN" cr
	assert_output create
	complete_words "$BERTH_BIN" exec --pres
	assert_output --preserve-fds
	setup_bundle sleep 1000
	run_detached "$ID"
	complete_words "$BERTH_BIN" --root "$BERTH_ROOT" kill ""
	assert_output "$ID"
	complete_words "$BERTH_BIN" --root "$BERTH_ROOT" create ""
	assert_output ""
}

@test "zsh completion is valid zsh" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	run zsh -n "$REPO/contrib/completions/zsh/_berth"
	assert_success
}
