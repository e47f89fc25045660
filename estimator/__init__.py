"""Envelope: back-of-envelope capacity estimates for ML systems, with units checked.

    scenario.yaml → load_scenario → Scenario → estimate → Estimate → report (table / markdown / json)
"""
