# shellcheck shell=bash
# What a local gateway needs besides its database: a development TLS
# certificate and a key for each shipped client. Sourced by scripts/run and
# bench/. Paths are relative to the repository root, where the gateway runs.
#
#   gateway_client_ids          prints the client ids of contracts/*.json
#   gateway_key_var ID          prints the variable holding ID's key
#   gateway_ensure_keys         exports SIAO_KEY_<ID> for every client
#   gateway_ensure_dev_cert     makes var/tls/cert.pem and var/tls/key.pem
#   gateway_env_defaults        exports GATEWAY_* defaults (set values win)

SIAO_ROOT=${SIAO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
GATEWAY_DEFAULT_CLIENTS=(siao-backoffice)

gateway_client_ids() {
  local files=("$SIAO_ROOT"/contracts/*.json) ids
  if [ -e "${files[0]}" ]; then
    ids=$(jq -r '.id // empty' "${files[@]}") || return 1
    if [ -n "$ids" ]; then
      printf '%s\n' "$ids"
      return 0
    fi
  fi
  printf '%s\n' "${GATEWAY_DEFAULT_CLIENTS[@]}"
}

# siao-backoffice -> SIAO_KEY_SIAO_BACKOFFICE
gateway_key_var() {
  local id=${1:?gateway_key_var ID}
  id=${id^^}
  printf 'SIAO_KEY_%s\n' "${id//[^A-Z0-9]/_}"
}

# A key already in the environment wins; otherwise var/keys/<id>.key, made
# on first use.
gateway_ensure_keys() {
  local id var file
  mkdir -p "$SIAO_ROOT/var/keys"
  chmod 700 "$SIAO_ROOT/var/keys"
  while IFS= read -r id; do
    var=$(gateway_key_var "$id")
    if [ -z "${!var:-}" ]; then
      file="$SIAO_ROOT/var/keys/$id.key"
      if [ ! -s "$file" ]; then
        (umask 077 && openssl rand -hex 32 >"$file")
      fi
      chmod 600 "$file"
      printf -v "$var" '%s' "$(<"$file")"
    fi
    export "${var?}"
  done < <(gateway_client_ids)
}

# Self-signed, for localhost and 127.0.0.1, valid 825 days.
gateway_ensure_dev_cert() {
  local dir="$SIAO_ROOT/var/tls" out
  [ -s "$dir/cert.pem" ] && [ -s "$dir/key.pem" ] && return 0
  mkdir -p "$dir"
  if ! out=$( (umask 077 && openssl req -x509 -newkey ec \
    -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
    -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$dir/key.pem" -out "$dir/cert.pem") 2>&1); then
    printf '%s\n' "$out" >&2
    echo "gateway: could not make the development certificate" >&2
    return 1
  fi
  chmod 600 "$dir/key.pem"
  chmod 644 "$dir/cert.pem"
  echo "Development TLS certificate made in var/tls/ (self-signed, CN=localhost)"
}

gateway_env_defaults() {
  export GATEWAY_HTTP_LISTEN=${GATEWAY_HTTP_LISTEN-127.0.0.1:8080}
  export GATEWAY_HTTPS_LISTEN=${GATEWAY_HTTPS_LISTEN-127.0.0.1:8443}
  export GATEWAY_TLS_CERT=${GATEWAY_TLS_CERT-var/tls/cert.pem}
  export GATEWAY_TLS_KEY=${GATEWAY_TLS_KEY-var/tls/key.pem}
  export GATEWAY_CONTRACTS_DIR=${GATEWAY_CONTRACTS_DIR-contracts}
}
