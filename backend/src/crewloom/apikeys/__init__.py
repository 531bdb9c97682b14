"""apikeys"""
