# SPDX-License-Identifier: GPL-2.0-or-later
# Read by CPack once per generator (CPACK_PROJECT_CONFIG_FILE): the .deb packs
# the "plugin" component (system plugin folder), the tarball the "tarball"
# component (msice.so, README.md, LICENSE, install.sh in one folder).
if(CPACK_GENERATOR STREQUAL "DEB")
    set(CPACK_INSTALL_CMAKE_PROJECTS "${CPACK_MSICE_BINARY_DIR};msice;plugin;/")
else()
    set(CPACK_INSTALL_CMAKE_PROJECTS "${CPACK_MSICE_BINARY_DIR};msice;tarball;/")
endif()
