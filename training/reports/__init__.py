"""Programme reports: the measures of what the training programme did."""
