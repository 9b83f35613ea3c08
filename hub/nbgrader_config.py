# nbgrader's system-wide configuration for a class on a JupyterHub: copy it to /etc/jupyter/nbgrader_config.py
# (hub/Dockerfile does; on The Littlest JupyterHub see CLASSROOM.md). Every user's nbgrader reads it: the students'
# Assignments list and Validate button, and the teacher's command line (with classroom/nbgrader_config.py on top).
c = get_config()  # noqa: F821  (traitlets provides get_config when it loads this file)

# The course that `make classroom` (python -m course classroom build) generates.
c.CourseDirectory.course_id = "convnets-course"

# Where released assignments wait and submissions arrive: a folder every user can write to (mode 777). On a
# single machine, a local folder; on Kubernetes, a ReadWriteMany volume mounted here in every user's pod.
c.Exchange.root = "/srv/nbgrader/exchange"

# Validate and autograde run a notebook up to its last graded cell (the cells after it carry the tag skip-execution);
# the slowest check builds ResNet50 twice. The same limit as the course's own config (course/classroom.py).
c.Execute.timeout = 300
