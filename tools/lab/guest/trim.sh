#!/bin/sh
# Trims a staged copy of the debootstrapped guest root ($1) before it is packed into the
# initramfs. The UML initramfs lives in a tmpfs of half the guest RAM, so everything the lab
# never runs goes: documentation, translations, man pages, apt/dpkg caches, perl, gconv.
# Part of the guest recipe: changing this file changes the cache key.
set -eu
root=$1
rm -rf "$root"/usr/share/doc/* "$root"/usr/share/locale/* "$root"/usr/share/man/* \
  "$root"/usr/share/info/* "$root"/usr/share/bash-completion "$root"/usr/share/common-licenses \
  "$root"/usr/share/perl5 "$root"/usr/lib/x86_64-linux-gnu/perl-base \
  "$root"/usr/lib/x86_64-linux-gnu/gconv "$root"/usr/share/zoneinfo \
  "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
  "$root"/var/log/* "$root"/usr/lib/apt "$root"/usr/lib/x86_64-linux-gnu/libapt-*
