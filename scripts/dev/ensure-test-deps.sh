#!/usr/bin/env bash
# Installs the Debian packages the test suite drives (real clients and servers), when they are missing.
# Run by `npm test` (pretest) and by .ci/run; needs root and apt-get, otherwise it says what is missing.
# Each entry: "<Debian package>|<shell test that succeeds when it is usable>".
set -u
REQUIREMENTS=(
  "swaks|command -v swaks"
  "libnet-ssleay-perl|perl -MNet::SSLeay -e1"
  "openssl|command -v openssl"
  "gpgsm|command -v gpgsm"
  "poppler-utils|command -v pdfsig"
  "libnss3-tools|command -v certutil"
  "xmlsec1|command -v xmlsec1"
  "isync|command -v mbsync"
  "fetchmail|command -v fetchmail"
  "curl|command -v curl"
  "python3|command -v python3"
  "clamav-daemon|test -x /usr/sbin/clamd"
  "dovecot-core|test -e /usr/lib/dovecot/libdovecot.so.0"
  "dovecot-lmtpd|test -x /usr/lib/dovecot/lmtp"
  "dovecot-imapd|test -x /usr/lib/dovecot/imap"
  "postfix|test -x /usr/sbin/postfix && test -x /usr/sbin/smtp-sink"
  "libreoffice-calc-nogui|test -x /usr/bin/soffice"
  "chromium|test -x /usr/bin/chromium"
)
missing=()
for entry in "${REQUIREMENTS[@]}"; do
  package="${entry%%|*}"
  check="${entry#*|}"
  bash -c "$check" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Cai dat goi Debian cho kiem thu / installing Debian packages for the tests: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Postfix asks for a mailer type on install: the tests run it with their own config directory only.
  if command -v debconf-set-selections >/dev/null 2>&1; then
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    echo "postfix postfix/mailname string localhost" | debconf-set-selections
  fi
  apt-get -o DPkg::Lock::Timeout=900 update -qq >/dev/null 2>&1 || true
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
    echo "Khong cai duoc / could not install: ${missing[*]}" >&2
    exit 0
  }
else
  echo "Thieu goi Debian / missing Debian packages (tests that need them will fail): ${missing[*]}" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
fi
exit 0
