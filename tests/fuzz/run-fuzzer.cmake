# SPDX-License-Identifier: GPL-2.0-or-later
# Runs one libFuzzer target for SECONDS on a fresh writable corpus made of
# the committed seeds and the seeds extracted from captures/. Fails on any
# crash, leak, ASan or UBSan report (libFuzzer exits non-zero).
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
foreach(dir ${SEEDS} ${EXTRA_SEEDS})
    if(EXISTS ${dir})
        file(GLOB seeds ${dir}/*)
        if(seeds)
            file(COPY ${seeds} DESTINATION ${WORK})
        endif()
    endif()
endforeach()
execute_process(
    COMMAND ${FUZZER} -max_total_time=${SECONDS} -seed=1 -max_len=${MAX_LEN}
            -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 ${WORK}
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX MATCH "stat::number_of_executed_units: *[0-9]+" runs "${err}")
message("${runs}")
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "fuzzer failed (exit ${rc}):\n${err}")
endif()
