"""Historical analogs: does a falling price lower total spending?"""
