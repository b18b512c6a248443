#!/bin/bash
# Makes a VM look like the recipe's starting point: Java, a Tomcat tarball in /opt/tomcat, httpd
# built from source in /usr/local/apache2 (proxy modules and vhosts left commented out, as a
# source build ships them), firewalld running. Run by Vagrant as root; safe to run again.
set -euo pipefail
: "${ROLES:?}" "${PRIVATE_IP:?}" "${TOMCAT_VERSION:?}" "${HTTPD_VERSION:?}"
. /etc/os-release
MAJOR=${VERSION_ID%%.*}

# CentOS 7 is end of life: its mirrors are gone, the vault keeps the last release.
if [ "$ID" = centos ] && [ "$MAJOR" = 7 ]; then
  sed -i -e 's/^mirrorlist=/#mirrorlist=/' \
         -e 's|^#\?baseurl=http://mirror.centos.org/centos/\$releasever|baseurl=http://vault.centos.org/7.9.2009|' \
         /etc/yum.repos.d/CentOS-*.repo
  JAVA_PKG=java-11-openjdk-devel; PCRE_PKG=pcre-devel
else
  JAVA_PKG=java-17-openjdk-devel; PCRE_PKG=pcre2-devel
fi

# Vagrant maps the hostname to 127.0.0.1; Tomcat's cluster receiver would bind to loopback.
sed -i "/[[:space:]]$(hostname)\([[:space:]]\|\$\)/d" /etc/hosts
IFS=';' read -ra LINES <<< "${HOSTS_LINES:-$PRIVATE_IP $(hostname)}"
for l in "${LINES[@]}"; do grep -qxF "$l" /etc/hosts || echo "$l" >> /etc/hosts; done

yum install -y -q firewalld curl tar "$JAVA_PKG"
systemctl enable --now firewalld

if [[ ",$ROLES," == *,tomcat,* ]] && [ ! -x /opt/tomcat/bin/catalina.sh ]; then
  url="https://archive.apache.org/dist/tomcat/tomcat-${TOMCAT_VERSION%%.*}/v${TOMCAT_VERSION}/bin/apache-tomcat-${TOMCAT_VERSION}.tar.gz"
  curl -fsSL "$url" -o /tmp/tomcat.tar.gz
  mkdir -p /opt/tomcat
  tar -xzf /tmp/tomcat.tar.gz -C /opt/tomcat --strip-components=1
fi
if [[ ",$ROLES," == *,tomcat,* ]] && ! pgrep -f 'catalina.base=/opt/tomcat' >/dev/null; then
  CATALINA_HOME=/opt/tomcat CATALINA_BASE=/opt/tomcat /opt/tomcat/bin/startup.sh
fi

if [[ ",$ROLES," == *,apache,* ]] && [ ! -x /usr/local/apache2/bin/httpd ]; then
  yum install -y -q gcc make apr-devel apr-util-devel "$PCRE_PKG" openssl-devel expat-devel
  curl -fsSL "https://archive.apache.org/dist/httpd/httpd-${HTTPD_VERSION}.tar.gz" -o /tmp/httpd.tar.gz
  rm -rf /tmp/httpd-src && mkdir /tmp/httpd-src
  tar -xzf /tmp/httpd.tar.gz -C /tmp/httpd-src --strip-components=1
  (cd /tmp/httpd-src && ./configure -q --prefix=/usr/local/apache2 --enable-mods-shared=most \
     && make -s -j"$(nproc)" && make -s install)
fi
pidfile=/usr/local/apache2/logs/httpd.pid
if [[ ",$ROLES," == *,apache,* ]] && ! { [ -s $pidfile ] && kill -0 "$(cat $pidfile)" 2>/dev/null; }; then
  /usr/local/apache2/bin/apachectl -k start
fi
echo "provisioned $(hostname) ($PRETTY_NAME) roles=$ROLES ip=$PRIVATE_IP"
