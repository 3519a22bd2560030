"""Read the district's object lists (.xlsx/.xls/.ods/.csv) into validated rows and load them into the store."""
