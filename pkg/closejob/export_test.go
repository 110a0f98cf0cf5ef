package closejob

// MonthFor is monthFor, for the tests of package closejob_test.
var MonthFor = monthFor
