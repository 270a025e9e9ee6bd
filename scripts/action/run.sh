#!/usr/bin/env bash
# The GitHub Action's second step (action.yml): runs `opsbook ARGS`. For `lint` (the default)
# findings become annotations on the pull request (`--format github`), and with a SARIF path
# the same run also writes SARIF 2.1.0 for github/codeql-action/upload-sarif. opsbook's exit
# code is the step's: 1 for findings, 2 when it could not do its job.
#
# Environment: OPSBOOK_ARGS (default `lint`), OPSBOOK_SARIF (a path, or empty), OPSBOOK_PROJECT
# (the folder of opsbook.yaml; given as `-C`, not entered, so annotations and SARIF name files
# from the repository's root, where GitHub looks for them).
set -euo pipefail

read -r -a words <<< "${OPSBOOK_ARGS:-lint}"
if [ "${#words[@]}" -eq 0 ]; then
  words=(lint)
fi
extra=()
project="${OPSBOOK_PROJECT:-.}"
if [ "$project" != . ]; then
  extra+=(-C "$project")
fi
if [ "${words[0]}" = lint ]; then
  given_format=no
  for word in "${words[@]}"; do
    case "$word" in --format | --format=*) given_format=yes ;; esac
  done
  if [ "$given_format" = no ]; then
    extra+=(--format github)
  fi
  if [ -n "${OPSBOOK_SARIF:-}" ]; then
    # Relative to the repository's root, as upload-sarif reads it, whatever working-directory.
    case "$OPSBOOK_SARIF" in
      /*) ;;
      *) OPSBOOK_SARIF="${GITHUB_WORKSPACE:-$PWD}/$OPSBOOK_SARIF" ;;
    esac
    mkdir -p "$(dirname "$OPSBOOK_SARIF")"
    extra+=(--report "sarif=$OPSBOOK_SARIF")
  fi
elif [ -n "${OPSBOOK_SARIF:-}" ]; then
  echo "::error::the sarif input needs the lint command (args: '${OPSBOOK_ARGS}'); remove sarif or run lint"
  exit 2
fi
echo "+ opsbook ${words[*]} ${extra[*]+${extra[*]}}"
# `${extra[@]+...}`: an empty array under `set -u` is an error in the bash 3 of macOS.
exec opsbook "${words[@]}" ${extra[@]+"${extra[@]}"}
