# SPDX-License-Identifier: GPL-2.0-or-later
#
# The MS ICE Flow Graph type needs epan/sequence_analysis.h, which Debian's
# libwireshark-dev does not install (4.0, 4.4, 4.6). plugin/msice-compat.h
# then declares that version's layout itself. This check makes sure those
# declarations match the libwireshark being built against, and stops the
# build when they cannot be checked, rather than dropping the Flow Graph.
#
# The figures were measured on Debian's amd64 libwireshark of each version
# (2026-12-06): the size comes from the g_malloc0() in
# sequence_analysis_create_sai_with_addresses() / sequence_analysis_info_new(),
# the offsets from the stores in those functions and in
# sequence_analysis_use_color_filter().
#
#   version  item size  display  line_style  info size   libwireshark
#   4.0      144        112      124         1000        16 (4.0.17)
#   4.4      136        109      120         1040        18 (4.4.19)
#   4.6      144        109      120         1040        19 (4.6.9)
#
# Usage: msice_check_seq_analysis_abi(<major.minor> <include dirs> <libraries>)

function(msice_check_seq_analysis_abi ws_version include_dirs link_libs)
    set(CMAKE_REQUIRED_INCLUDES ${include_dirs})
    include(CheckIncludeFile)
    check_include_file("epan/sequence_analysis.h" MSICE_HAVE_SEQ_HEADER "-include wireshark.h")
    if(MSICE_HAVE_SEQ_HEADER)
        message(STATUS "msice: Flow Graph API from Wireshark's own epan/sequence_analysis.h")
        return()
    endif()

    set(known_4.0 144 112 124 1000)
    set(known_4.4 136 109 120 1040)
    set(known_4.6 144 109 120 1040)
    if(NOT DEFINED known_${ws_version} OR NOT CMAKE_SIZEOF_VOID_P EQUAL 8)
        message(FATAL_ERROR
            "msice: Wireshark ${ws_version} (${CMAKE_SIZEOF_VOID_P}-byte pointers) installs no "
            "epan/sequence_analysis.h, and msice has no measured Flow Graph layout for it "
            "(known: 4.0, 4.4, 4.6 on 64-bit). Build against a Wireshark whose development "
            "files include epan/sequence_analysis.h (a build from source does), or add this "
            "version's layout to plugin/msice-compat.h and cmake/SeqAnalysisAbi.cmake.")
    endif()
    list(GET known_${ws_version} 0 item_size)
    list(GET known_${ws_version} 1 display_off)
    list(GET known_${ws_version} 2 line_style_off)
    list(GET known_${ws_version} 3 info_size)

    try_compile(abi_ok ${CMAKE_BINARY_DIR}/seq-abi-probe
        SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/cmake/seq-abi-probe.c
        CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${include_dirs};${CMAKE_CURRENT_SOURCE_DIR}/plugin"
        COMPILE_DEFINITIONS
            -DMSICE_SEQ_ABI_VERSION="${ws_version}"
            -DMSICE_SEQ_ITEM_SIZE=${item_size}
            -DMSICE_SEQ_DISPLAY_OFF=${display_off}
            -DMSICE_SEQ_LINE_STYLE_OFF=${line_style_off}
            -DMSICE_SEQ_INFO_SIZE=${info_size}
        LINK_LIBRARIES ${link_libs}
        C_STANDARD 11
        OUTPUT_VARIABLE abi_log)
    if(NOT abi_ok)
        message(FATAL_ERROR
            "msice: the Flow Graph declarations in plugin/msice-compat.h do not match "
            "libwireshark ${ws_version} (or it does not export register_seq_analysis, "
            "sequence_analysis_create_sai_with_addresses, sequence_analysis_use_color_filter). "
            "The probe said:\n${abi_log}")
    endif()
    message(STATUS "msice: Flow Graph declarations checked against libwireshark ${ws_version} "
                   "(item ${item_size} bytes, info ${info_size} bytes, 3 symbols exported)")
endfunction()
