# strata_layer_bench (included by tests/bench/CMakeLists.txt): driven by tests/bench/layer_bench.sh.
add_executable(strata_layer_bench ${CMAKE_CURRENT_LIST_DIR}/layer_bench.cpp)
target_link_libraries(strata_layer_bench PRIVATE strata_oci strata_store)
