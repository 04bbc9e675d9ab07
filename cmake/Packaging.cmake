# SPDX-License-Identifier: GPL-2.0-or-later
#
# Installing and packaging the plugin for the Wireshark it was built against.
#
#   cmake --build build --target install-user     personal plugin folder ($HOME read then)
#   cmake --build build --target uninstall-user
#   sudo cmake --install build                    system plugin folder
#   sudo cmake --build build --target uninstall
#   cmake --build build --target package          .deb (Debian/Ubuntu) and .tar.gz
#
# The .deb depends on the libwireshark package the plugin was linked with,
# within the same major.minor (a plugin built for 4.4 does not load in 4.6).
# The tarball holds msice.so, README.md, LICENSE, install.sh and profiles/.
#
# The "MS ICE" configuration profile (profiles/MS ICE) goes with the plugin:
# install-user puts it in the personal profiles folder
# (~/.config/wireshark/profiles), the system install and the .deb in the
# global one (${MSICE_WS_DATA_DIR}/profiles), which Wireshark lists too.

configure_file(${CMAKE_CURRENT_SOURCE_DIR}/packaging/install.sh.in ${CMAKE_BINARY_DIR}/install.sh @ONLY)

add_custom_target(install-user
    COMMAND sh ${CMAKE_BINARY_DIR}/install.sh --plugin $<TARGET_FILE:msice>
            --profile "${CMAKE_CURRENT_SOURCE_DIR}/profiles/MS ICE"
    DEPENDS msice
    COMMENT "Installing msice.so into the personal plugin folder for Wireshark ${MSICE_WS_VERSION}, and the MS ICE profile"
    VERBATIM)
add_custom_target(uninstall-user
    COMMAND sh ${CMAKE_BINARY_DIR}/install.sh --uninstall
    COMMENT "Removing msice.so and the MS ICE profile from the personal folders")
add_custom_target(uninstall
    COMMAND sh ${CMAKE_BINARY_DIR}/install.sh --system --uninstall
    COMMENT "Removing msice.so from ${MSICE_WS_SYSTEM_PLUGIN_DIR}/epan and the MS ICE profile from ${MSICE_WS_DATA_DIR}/profiles")

# Component "plugin": what `cmake --install` and the .deb put on the system.
install(TARGETS msice LIBRARY DESTINATION "${MSICE_WS_SYSTEM_PLUGIN_DIR}/epan" COMPONENT plugin)
install(DIRECTORY "profiles/MS ICE" DESTINATION "${MSICE_WS_DATA_DIR}/profiles" COMPONENT plugin
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
# Component "tarball": only in the .tar.gz (never installed by `cmake --install`).
install(TARGETS msice LIBRARY DESTINATION . COMPONENT tarball EXCLUDE_FROM_ALL)
install(FILES README.md LICENSE DESTINATION . COMPONENT tarball EXCLUDE_FROM_ALL)
install(PROGRAMS ${CMAKE_BINARY_DIR}/install.sh DESTINATION . COMPONENT tarball EXCLUDE_FROM_ALL)
install(DIRECTORY "profiles/MS ICE" DESTINATION profiles COMPONENT tarball EXCLUDE_FROM_ALL)

# Which Debian package provides the libwireshark we linked with, and its version.
set(MSICE_DEB_LIBWS "")
find_program(MSICE_DPKG_QUERY dpkg-query)
find_library(MSICE_LIBWS_PATH wireshark HINTS ${WIRESHARK_LIBRARY_DIRS} ${WIRESHARK_LIBDIR})
if(MSICE_DPKG_QUERY AND MSICE_LIBWS_PATH)
    get_filename_component(libws_real "${MSICE_LIBWS_PATH}" REALPATH)
    execute_process(COMMAND ${MSICE_DPKG_QUERY} -S "${libws_real}"
                    OUTPUT_VARIABLE owner ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
    string(REGEX REPLACE ":.*" "" MSICE_DEB_LIBWS "${owner}")
endif()

# debian12, debian13, debian-forky (testing/unstable have no VERSION_ID), ubuntu24.04 ...
execute_process(COMMAND sh -c ". /etc/os-release 2>/dev/null && echo \"$ID\${VERSION_ID:-\${VERSION_CODENAME:+-$VERSION_CODENAME}}\""
                OUTPUT_VARIABLE MSICE_DISTRO OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT MSICE_DISTRO)
    set(MSICE_DISTRO "linux")
endif()

string(REGEX MATCH "^[0-9]+" ws_major "${MSICE_WS_VERSION}")
string(REGEX MATCH "[0-9]+$" ws_minor "${MSICE_WS_VERSION}")
math(EXPR ws_next_minor "${ws_minor} + 1")

set(CPACK_PACKAGE_NAME "wireshark-plugin-msice")
set(CPACK_PACKAGE_VENDOR "msice")
set(CPACK_PACKAGE_CONTACT "msice maintainers <msice@localhost>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Wireshark ${MSICE_WS_VERSION} plugin: MS-TURN, MS-ICE candidates, MRAS and the per-call media path")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_CURRENT_SOURCE_DIR}/LICENSE)
set(CPACK_GENERATOR "TGZ")
if(MSICE_DEB_LIBWS)
    list(APPEND CPACK_GENERATOR "DEB")
endif()
set(CPACK_PACKAGE_FILE_NAME "msice-${PROJECT_VERSION}-wireshark-${MSICE_WS_VERSION}-${MSICE_DISTRO}-${CMAKE_SYSTEM_PROCESSOR}")

set(CPACK_DEBIAN_PACKAGE_VERSION "${PROJECT_VERSION}+ws${MSICE_WS_VERSION}")
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
# dpkg-shlibdeps adds the libraries msice.so links with (libc, GLib,
# libwireshark's lower bound); the upper bound keeps it to this major.minor.
# (CPack needs `file` and dpkg-shlibdeps for that; without them the explicit
# libwireshark range below is still there.)
find_program(MSICE_FILE_TOOL file)
find_program(MSICE_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(MSICE_FILE_TOOL AND MSICE_DPKG_SHLIBDEPS)
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "${MSICE_DEB_LIBWS} (>= ${MSICE_WS_VERSION}.0), ${MSICE_DEB_LIBWS} (<< ${ws_major}.${ws_next_minor}~)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "tshark | wireshark")
set(CPACK_DEBIAN_FILE_NAME "wireshark-plugin-msice_${PROJECT_VERSION}+ws${MSICE_WS_VERSION}-${MSICE_DISTRO}_amd64.deb")
execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE deb_arch
                OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(deb_arch)
    set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "${deb_arch}")
    set(CPACK_DEBIAN_FILE_NAME "wireshark-plugin-msice_${PROJECT_VERSION}+ws${MSICE_WS_VERSION}-${MSICE_DISTRO}_${deb_arch}.deb")
endif()

# Each generator packs its own component: the .deb the system plugin folder,
# the tarball the portable set (packaging/cpack-per-generator.cmake).
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_SOURCE_DIR}/packaging/cpack-per-generator.cmake)
set(CPACK_MSICE_BINARY_DIR ${CMAKE_BINARY_DIR})
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
include(CPack)
