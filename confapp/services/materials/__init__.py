"""Materials: slides, results and links per event, talk and workshop, for the people who took part.

storage   where files lie: a folder under instance/ (the default), behind one small interface
library   uploading (type and size checks), listing for organisers, leaders and attendees, the e-mail
          that tells attendees materials are online, purge of uploaders' names
"""
