# Plan subsystem: compose -> run plan mapping and sandbox policy; its Kubernetes rendering (kuberender).
reporunner_add_test(NAME test_plan_mapping SOURCES test_plan_mapping.cpp LIBS reporunner_plan LABEL unit)
reporunner_add_test(NAME test_plan_policy SOURCES test_plan_policy.cpp LIBS reporunner_plan reporunner_testsupport LABEL unit)
reporunner_add_test(NAME test_plan_render SOURCES test_plan_render.cpp LIBS reporunner_kuberender yaml-cpp LABEL unit)
reporunner_add_test(NAME test_plan_keys SOURCES test_plan_keys.cpp LIBS reporunner_plan reporunner_testsupport LABEL unit)
reporunner_add_test(NAME test_plan_volumes SOURCES test_plan_volumes.cpp LIBS reporunner_kuberender LABEL unit)
