#!/usr/bin/env bats
# Bad input at scale: every case of tests/corpus/*.tsv is a broken bundle, made from a fresh
# mkbundle.sh bundle by a jq expression on config.json and optionally a shell snippet. Each goes
# through `create` (and `run` where flagged) and must exit 1 with exactly one line on stderr,
# nothing on stdout, and leave nothing behind. For berth the line is `berth: OP ID: ...` and holds
# the case's fragment, which names the config field. warns.tsv holds configs the runtime-spec
# says must still run (unknown capabilities...): `run` exits 0 with exactly one warning naming
# the field.
#
# bats cannot make one test per case, so each category (one .tsv file) is one test that tries
# all its cases and then fails listing every case that went wrong, with what it printed.
#
# Against runc (BERTH_BIN=/usr/sbin/runc) only the exit status and the leak check apply: its
# wording differs. Cases flagged `berth` are ones runc 1.1.5 accepts (berth is stricter; each is
# commented in its file) and are skipped there.
#
# Case file format, one case a line, tab-separated (blank lines and lines starting with # are
# comments):
#   NAME  FLAGS  FRAGMENT  JQ  [SHELL]
# FLAGS is - or a comma list of: run (also try `run`), berth (runc accepts it). JQ is applied to
# the pristine config.json (process: `true`); SHELL then runs in the case's own bundle directory
# (a bundle of its own, so it may break the rootfs).
#
# CORPUS_SHOW=1 prints what each case printed on stderr; CORPUS_DIR=DIR runs the case files of DIR.

load helpers

CORPUS=${CORPUS_DIR:-$REPO/tests/corpus}

setup() {
	berth_setup
	setup_bundle true
	PRISTINE=$BATS_TEST_TMPDIR/pristine.json
	cp "$BUNDLE/config.json" "$PRISTINE"
}

teardown() {
	cleanup_berth
}

# corpus_cases FILE: the cases of FILE, comments and blank lines dropped.
corpus_cases() {
	grep -v -e '^#' -e '^[[:space:]]*$' "$1"
}

# all_configs FILE: one line per case of FILE, its config.json as compact JSON, or "!" and why
# there is none. One jq run for all the cases: starting jq costs 50 ms here.
all_configs() {
	local program="" expr
	while IFS=$'\t' read -r _ _ _ expr _; do
		program+="(try ([${expr:-error("no JQ")}] | if length == 1 then .[0] | tojson"
		program+=" else \"!the expression gives \\(length) values\" end) catch (\"!\" + tostring)),"$'\n'
	done < <(corpus_cases "$1")
	jq -r "${program%,$'\n'}" "$PRISTINE"
}

# case_bundle NAME CONFIG SHELL: print the bundle to use for a case. Cases without SHELL share
# $BUNDLE (only config.json changes); the others get a bundle of their own, since SHELL may
# break it.
case_bundle() {
	local name=$1 config=$2 snippet=$3 bundle=$BUNDLE
	if [[ $config == !* ]]; then
		echo "jq: ${config#!}" >&2
		return 1
	fi
	if [[ -n $snippet ]]; then
		# A copy of the shared bundle's rootfs, which no case changes: faster than mkbundle.sh.
		bundle=$BATS_TEST_TMPDIR/case-$name
		mkdir "$bundle" && cp -a "$BUNDLE/rootfs" "$bundle/rootfs" ||
			{ echo "could not copy the rootfs" >&2; return 1; }
	fi
	printf '%s\n' "$config" >"$bundle/config.json"
	if [[ -n $snippet ]]; then
		(cd "$bundle" && eval "$snippet") || { echo "shell snippet failed" >&2; return 1; }
	fi
	echo "$bundle"
}

# line_count FILE: the lines of FILE, counting a last one without a newline.
line_count() {
	local n
	n=$(wc -l <"$1")
	if [[ -s $1 && $(tail -c1 "$1" | od -An -c | tr -d ' ') != '\n' ]]; then n=$((n + 1)); fi
	echo "$n"
}

# case_leaks: print what the last case left behind (assert_no_leaks also reclaims it), then forget
# the case's container ID, so that later leak checks need not look for it again.
case_leaks() {
	local leaks
	if ! leaks=$(assert_no_leaks 2>&1); then
		grep '^leaked: ' <<<"$leaks" | tr '\n' ' '
	fi
	: >"$BERTH_IDS_FILE"
}

# report OP PROBLEM...: print the problems of a case with what it printed on stderr.
report() {
	local op=$1 IFS=';'
	shift
	[[ $# -eq 0 ]] || echo "$op: $*; stderr: $(head -c 400 "$BATS_TEST_TMPDIR/case.err" | tr '\n' '|')"
}

# try_case OP BUNDLE ID FRAGMENT: run `OP --bundle BUNDLE ID` and print what is wrong with the
# outcome (nothing if it failed as it should).
try_case() {
	local op=$1 bundle=$2 id=$3 fragment=$4 out=$BATS_TEST_TMPDIR/case.out err=$BATS_TEST_TMPDIR/case.err
	local status=0 problems=() leaks
	berth "$op" --bundle "$bundle" "$id" </dev/null >"$out" 2>"$err" 3>&- || status=$?
	if is_berth; then
		[[ $status -eq 1 ]] || problems+=("exit status $status, want 1")
		[[ ! -s $out ]] || problems+=("stdout not empty")
		[[ $(line_count "$err") -eq 1 ]] || problems+=("$(line_count "$err") lines on stderr, want 1")
		[[ $(head -n1 "$err") == "berth: $op $id: "* ]] || problems+=("stderr does not start with 'berth: $op $id: '")
		grep -qF -- "$fragment" "$err" || problems+=("no '$fragment' on stderr")
	else
		[[ $status -ne 0 ]] || problems+=("exit status 0: the runtime accepted it")
	fi
	if [[ $status -eq 0 ]]; then
		"$BERTH_BIN" --root "$BERTH_ROOT" delete --force "$id" >/dev/null 2>&1 || true
	fi
	leaks=$(case_leaks)
	[[ -z $leaks ]] || problems+=("left behind: $leaks")
	report "$op" "${problems[@]}"
}

# try_warning BUNDLE ID FRAGMENT: `run` must succeed with exactly one warning holding FRAGMENT.
try_warning() {
	local bundle=$1 id=$2 fragment=$3 out=$BATS_TEST_TMPDIR/case.out err=$BATS_TEST_TMPDIR/case.err
	local status=0 problems=() leaks
	berth run --bundle "$bundle" "$id" </dev/null >"$out" 2>"$err" 3>&- || status=$?
	[[ $status -eq 0 ]] || problems+=("exit status $status, want 0")
	[[ ! -s $out ]] || problems+=("stdout not empty")
	if is_berth; then
		[[ $(line_count "$err") -eq 1 ]] || problems+=("$(line_count "$err") lines on stderr, want 1")
		grep -qF -- "$fragment" "$err" || problems+=("no '$fragment' on stderr")
	fi
	leaks=$(case_leaks)
	[[ -z $leaks ]] || problems+=("left behind: $leaks")
	report run "${problems[@]}"
}

# run_category NAME: try every case of tests/corpus/NAME.tsv, then fail listing each bad one.
run_category() {
	local category=$1 file=$CORPUS/$1.tsv
	[[ -f $file ]] || fail "no corpus file $file"
	local name flags fragment expr snippet n=0 skipped=0 failures=() seen=" " configs
	mapfile -t configs < <(all_configs "$file")
	[[ ${#configs[@]} -eq $(corpus_cases "$file" | wc -l) ]] ||
		fail "$category.tsv: jq made ${#configs[@]} configs, not one per case (see jq's error above)"
	while IFS=$'\t' read -r name flags fragment expr snippet; do
		n=$((n + 1))
		[[ -n $name && -n $flags && -n $fragment && -n $expr ]] ||
			{ failures+=("line $n of $category.tsv: want NAME FLAGS FRAGMENT JQ [SHELL]"); continue; }
		[[ $seen != *" $name "* ]] || failures+=("$name: duplicate case name")
		seen+="$name "
		if [[ ,$flags, == *,berth,* ]] && ! is_berth; then
			skipped=$((skipped + 1))
			continue
		fi
		local bundle problem id=$ID-$n ops=(create)
		if ! bundle=$(case_bundle "$name" "${configs[n - 1]}" "$snippet" 2>&1); then
			failures+=("$name: $bundle")
			continue
		fi
		[[ ,$flags, == *,run,* ]] && ops+=(run)
		local op
		for op in "${ops[@]}"; do
			if [[ $category == warns ]]; then
				problem=$(try_warning "$bundle" "$id" "$fragment")
			else
				problem=$(try_case "$op" "$bundle" "$id" "$fragment")
			fi
			[[ -z $problem ]] || failures+=("$name: $problem")
			if [[ -n ${CORPUS_SHOW:-} ]]; then
				echo "# $name $op: $(tr '\n' '|' <"$BATS_TEST_TMPDIR/case.err")" >&3
			fi
		done
	done < <(corpus_cases "$file")
	[[ $n -gt 0 ]] || fail "$category.tsv has no cases"
	echo "# $category: $n cases, $skipped skipped for $(basename "$BERTH_BIN")" >&3
	if [[ ${#failures[@]} -gt 0 ]]; then
		printf '%s\n' "${failures[@]}" >&2
		fail "$category: ${#failures[@]} of $n cases failed (listed above)"
	fi
}

@test "corpus: every case file has a test, and there are at least 100 broken cases" {
	local file total=0 category
	for file in "$CORPUS"/*.tsv; do
		category=$(basename "$file" .tsv)
		grep -qF "run_category $category" "$BATS_TEST_FILENAME" || fail "no test runs $category.tsv"
		[[ $category == warns ]] || total=$((total + $(corpus_cases "$file" | wc -l)))
	done
	[[ $total -ge 100 ]] || fail "only $total broken cases"
}

@test "corpus: wrong JSON types" {
	run_category types
}

@test "corpus: out-of-range values" {
	run_category ranges
}

@test "corpus: missing files and fields" {
	run_category missing
}

@test "corpus: hostile paths" {
	run_category paths
}

@test "corpus: huge values" {
	run_category huge
}

@test "corpus: unknown enum values" {
	run_category enums
}

@test "corpus: duplicates" {
	run_category duplicates
}

@test "corpus: impossible resource limits" {
	run_category resources
}

@test "corpus: broken rootfs" {
	run_category rootfs
}

@test "corpus: configs that must run with one warning" {
	run_category warns
}
