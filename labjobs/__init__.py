"""LabJobs: a job board for student laboratory positions."""
