// --list-ops prints the tg op table (dialects/op_table.py): one line per op
// with its family, kernel class, the ONNX op it folds as and its default
// schedule family.
// RUN: polytile-opt --list-ops | FileCheck %s

// CHECK:      op{{ +}}family{{ +}}kernel class{{ +}}folds as{{ +}}schedule
// CHECK-NEXT: tg.constant{{ +}}shape{{ +}}free{{ +}}-{{ +}}-
// CHECK:      tg.conv{{ +}}nn{{ +}}contraction{{ +}}Conv{{ +}}conv
// CHECK-NEXT: tg.matmul{{ +}}nn{{ +}}contraction{{ +}}MatMul{{ +}}matmul
// CHECK:      tg.add{{ +}}elementwise{{ +}}elementwise{{ +}}Add{{ +}}-
// CHECK:      tg.arg_max{{ +}}{{[a-z]+}}{{ +}}reduction{{ +}}ArgMax
// CHECK:      tg.group_normalization{{ +}}{{[a-z]+}}{{ +}}{{[a-z]+}}{{ +}}-
// CHECK:      tg.non_zero{{ +}}data_dependent{{ +}}opaque{{ +}}-{{ +}}-
// CHECK:      tg.non_max_suppression{{ +}}detection{{ +}}opaque{{ +}}-{{ +}}-
// CHECK:      tg.lstm{{ +}}recurrent{{ +}}opaque{{ +}}-{{ +}}-
// CHECK:      tg.grid_sample{{ +}}sampling{{ +}}opaque{{ +}}GridSample{{ +}}-
// CHECK:      tg.bit_cast{{ +}}misc{{ +}}elementwise{{ +}}BitCast{{ +}}-
// CHECK:      tg.deform_conv{{ +}}misc{{ +}}opaque{{ +}}-{{ +}}-
