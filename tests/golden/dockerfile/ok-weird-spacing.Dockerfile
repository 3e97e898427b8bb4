from	alpine:3.19   as   Base  
run   echo  "spaced   out"   

  copy	--chown=1000:1000   a   b	 c  
WorkDir    /x y  
expose	80  443
