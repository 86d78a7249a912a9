#!/bin/sh
# Development users for the admin API in WildFly's ApplicationRealm (idempotent).
#   plugin-admin / plugin-admin-dev   roles plugin-admin, plugin-viewer
#   plugin-viewer / plugin-viewer-dev role plugin-viewer
# Never use these anywhere but a developer's machine: production points the 'other' security
# domain at its own identity store.
set -eu
conf="$1/standalone/configuration"
add_user() {
  user="$1"; password="$2"; roles="$3"
  hash=$(printf '%s' "$user:ApplicationRealm:$password" | md5sum | cut -d' ' -f1)
  grep -q "^$user=" "$conf/application-users.properties" || echo "$user=$hash" >> "$conf/application-users.properties"
  grep -q "^$user=" "$conf/application-roles.properties" || echo "$user=$roles" >> "$conf/application-roles.properties"
}
add_user plugin-admin plugin-admin-dev plugin-admin,plugin-viewer
add_user plugin-viewer plugin-viewer-dev plugin-viewer
