// RUN: polytile-opt %s --split-input-file --verify-diagnostics

// One case per rejection in dialects/tg_rules/detection.py.
func.func @nms_static_rows(%b: tensor<1x6x4xf32>, %s: tensor<1x1x6xf32>, %m: tensor<1xi64>, %i: tensor<1xf32>) {
  // expected-error@+1 {{'tg.non_max_suppression' op result #0 has type tensor<6x3xi64>, but the operands imply tensor<?x3xi64>}}
  %0 = "tg.non_max_suppression"(%b, %s, %m, %i) {center_point_box = 0 : i64} : (tensor<1x6x4xf32>, tensor<1x1x6xf32>, tensor<1xi64>, tensor<1xf32>) -> tensor<6x3xi64>
  return
}

// -----

func.func @nms_boxes_f16(%b: tensor<1x6x4xf16>, %s: tensor<1x1x6xf32>, %m: tensor<1xi64>, %i: tensor<1xf32>) {
  // expected-error@+1 {{'tg.non_max_suppression' op operand #0 has element type f16, expected one of f32}}
  %0 = "tg.non_max_suppression"(%b, %s, %m, %i) {center_point_box = 0 : i64} : (tensor<1x6x4xf16>, tensor<1x1x6xf32>, tensor<1xi64>, tensor<1xf32>) -> tensor<?x3xi64>
  return
}

// -----

func.func @nms_scores_f64(%b: tensor<1x6x4xf32>, %s: tensor<1x1x6xf64>, %m: tensor<1xi64>, %i: tensor<1xf32>) {
  // expected-error@+1 {{'tg.non_max_suppression' op operand #1 has element type f64, expected one of f32}}
  %0 = "tg.non_max_suppression"(%b, %s, %m, %i) {center_point_box = 0 : i64} : (tensor<1x6x4xf32>, tensor<1x1x6xf64>, tensor<1xi64>, tensor<1xf32>) -> tensor<?x3xi64>
  return
}

// -----

func.func @nms_boxes_2d(%b: tensor<6x4xf32>, %s: tensor<1x1x6xf32>, %m: tensor<1xi64>, %i: tensor<1xf32>) {
  // expected-error@+1 {{'tg.non_max_suppression' op operand #0 must have rank 3, got 2}}
  %0 = "tg.non_max_suppression"(%b, %s, %m, %i) {center_point_box = 0 : i64} : (tensor<6x4xf32>, tensor<1x1x6xf32>, tensor<1xi64>, tensor<1xf32>) -> tensor<?x3xi64>
  return
}

// -----

func.func @nms_scores_2d(%b: tensor<1x6x4xf32>, %s: tensor<1x6xf32>, %m: tensor<1xi64>, %i: tensor<1xf32>) {
  // expected-error@+1 {{'tg.non_max_suppression' op operand #1 must have rank 3, got 2}}
  %0 = "tg.non_max_suppression"(%b, %s, %m, %i) {center_point_box = 0 : i64} : (tensor<1x6x4xf32>, tensor<1x6xf32>, tensor<1xi64>, tensor<1xf32>) -> tensor<?x3xi64>
  return
}

// -----

func.func @nms_three_coordinates(%b: tensor<1x6x3xf32>, %s: tensor<1x1x6xf32>, %m: tensor<1xi64>, %i: tensor<1xf32>) {
  // expected-error@+1 {{'tg.non_max_suppression' op operand #0 (boxes) must have 4 coordinates per box, got shape 1x6x3}}
  %0 = "tg.non_max_suppression"(%b, %s, %m, %i) {center_point_box = 0 : i64} : (tensor<1x6x3xf32>, tensor<1x1x6xf32>, tensor<1xi64>, tensor<1xf32>) -> tensor<?x3xi64>
  return
}

// -----

func.func @nms_box_counts_differ(%b: tensor<1x6x4xf32>, %s: tensor<1x1x5xf32>, %m: tensor<1xi64>, %i: tensor<1xf32>) {
  // expected-error@+1 {{'tg.non_max_suppression' op boxes 1x6x4 and scores 1x1x5 disagree: expected [B, N, 4] and [B, C, N]}}
  %0 = "tg.non_max_suppression"(%b, %s, %m, %i) {center_point_box = 0 : i64} : (tensor<1x6x4xf32>, tensor<1x1x5xf32>, tensor<1xi64>, tensor<1xf32>) -> tensor<?x3xi64>
  return
}

// -----

func.func @nms_max_output_i32(%b: tensor<1x6x4xf32>, %s: tensor<1x1x6xf32>, %m: tensor<1xi32>, %i: tensor<1xf32>) {
  // expected-error@+1 {{'tg.non_max_suppression' op operand #2 has element type i32, expected one of i64}}
  %0 = "tg.non_max_suppression"(%b, %s, %m, %i) {center_point_box = 0 : i64} : (tensor<1x6x4xf32>, tensor<1x1x6xf32>, tensor<1xi32>, tensor<1xf32>) -> tensor<?x3xi64>
  return
}

// -----

func.func @nms_two_thresholds(%b: tensor<1x6x4xf32>, %s: tensor<1x1x6xf32>, %m: tensor<1xi64>, %i: tensor<1xf32>, %t: tensor<2xf32>) {
  // expected-error@+1 {{'tg.non_max_suppression' op operand #4 must hold one element (shape scalar or 1), got 2}}
  %0 = "tg.non_max_suppression"(%b, %s, %m, %i, %t) {center_point_box = 0 : i64} : (tensor<1x6x4xf32>, tensor<1x1x6xf32>, tensor<1xi64>, tensor<1xf32>, tensor<2xf32>) -> tensor<?x3xi64>
  return
}

// -----

func.func @nms_center_point_box_2(%b: tensor<1x6x4xf32>, %s: tensor<1x1x6xf32>, %m: tensor<1xi64>, %i: tensor<1xf32>) {
  // expected-error@+1 {{'tg.non_max_suppression' op attribute 'center_point_box' must be 0 or 1, got 2}}
  %0 = "tg.non_max_suppression"(%b, %s, %m, %i) {center_point_box = 2 : i64} : (tensor<1x6x4xf32>, tensor<1x1x6xf32>, tensor<1xi64>, tensor<1xf32>) -> tensor<?x3xi64>
  return
}

// -----

func.func @det_int(%x: tensor<3x3xi32>) {
  // expected-error@+1 {{'tg.det' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.det"(%x) : (tensor<3x3xi32>) -> tensor<i32>
  return
}

// -----

func.func @det_vector(%x: tensor<3xf32>) {
  // expected-error@+1 {{'tg.det' op operand #0 must have rank >= 2 ([..., M, M]), got rank 1}}
  %0 = "tg.det"(%x) : (tensor<3xf32>) -> tensor<f32>
  return
}

// -----

func.func @det_not_square(%x: tensor<2x3x4xf32>) {
  // expected-error@+1 {{'tg.det' op operand #0 must hold square matrices, got shape 2x3x4}}
  %0 = "tg.det"(%x) : (tensor<2x3x4xf32>) -> tensor<2xf32>
  return
}
