#!/bin/sh
# Bridge from Kamailio (exec module) to the member agent's STIR API, for Kamailio builds without http_client or
# jansson (Debian's kamailio package). Kamailio passes only digits on the command line (it checks them first); the
# SIP Identity header arrives in the environment (SIP_HF_IDENTITY, set by the exec module), never through a shell.
#   stir-agent.sh attest <origTN> <destTN> <direct 0|1>  -> line 1 attest (A/B/C), line 2 SHAKEN Identity header
#   stir-agent.sh verify <fromTN> <toTN>                 -> line 1 verstat, line 2 SIP code (0 = pass), line 3 attest
# Environment: STIR_AGENT_URL (e.g. http://127.0.0.1:8080), STIR_API_KEY_FILE (file with an operator API key, mode
# 0600, readable only by the user Kamailio runs as).
# Exit status 1 (nothing printed) when the agent cannot answer: the proxy then fails the call with 500/503.
set -eu

mode=${1:-}
digits() { case "$1" in '' | *[!0-9]*) return 1 ;; *) [ "${#1}" -le 15 ] ;; esac; }
# JSON string content: backslash and quote escaped; control characters are refused by the caller's checks.
json_escape() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }
# A top-level string or number field of the agent's flat JSON answer (its values never contain quotes).
field() { printf '%s' "$2" | sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\)\"\{0,1\}[,}].*/\1/p" | head -n 1; }

key=$(cat "${STIR_API_KEY_FILE:?}")
identity=${SIP_HF_IDENTITY:-}
if [ "${#identity}" -gt 8192 ] || printf '%s' "$identity" | LC_ALL=C grep -q '[[:cntrl:]]'; then identity='x'; fi

# The API key reaches curl through a here-document on descriptor 3 (`-H @/dev/fd/3`: dash passes it on a pipe, never
# a file), not on curl's command line, which every local user can read in `ps` or /proc/<pid>/cmdline.
call() {
  curl -sS --max-time 2 -H @/dev/fd/3 -H 'content-type: application/json' \
    --data-binary @- "${STIR_AGENT_URL:?}$1" 3<<HEADERS
authorization: Bearer $key
HEADERS
}

case "$mode" in
attest)
  digits "$2" && digits "$3" || exit 1
  direct=false
  [ "${4:-0}" = 1 ] && direct=true
  id_json=''
  [ -n "$identity" ] && id_json=",\"identity\":\"$(json_escape "$identity")\""
  answer=$(printf '{"orig":{"tn":"%s"},"dest":{"tn":["%s"]},"directCustomer":%s%s}' "$2" "$3" "$direct" "$id_json" |
    call /v1/stir/osp/attestations)
  attest=$(field attest "$answer")
  header=$(field identity "$answer")
  [ -n "$attest" ] && [ -n "$header" ] || exit 1
  printf '%s\n%s\n' "$attest" "$header"
  ;;
verify)
  digits "$2" && digits "$3" || exit 1
  id_json=''
  [ -n "$identity" ] && id_json=",\"identity\":\"$(json_escape "$identity")\""
  answer=$(printf '{"verificationRequest":{"from":{"tn":"%s"},"to":{"tn":["%s"]}%s}}' "$2" "$3" "$id_json" |
    call /stir/v1/verification)
  verstat=$(field verstat "$answer")
  [ -n "$verstat" ] || exit 1
  code=$(field reasonCode "$answer")
  attest=$(field attest "$answer")
  printf '%s\n%s\n%s\n' "$verstat" "${code:-0}" "${attest:--}"
  ;;
*)
  echo "usage: stir-agent.sh attest|verify ..." >&2
  exit 2
  ;;
esac
